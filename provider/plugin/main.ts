#!/usr/bin/env node
// The entry point of `pulumi-resource-apikeys`, the native plugin (see server.ts).
import { serve } from "./server";

serve(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-apikeys: ${(e as Error).message}\n`);
  process.exit(1);
});
