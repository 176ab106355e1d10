#!/usr/bin/env node
// The entry point of `pulumi-resource-apikeys`, the native plugin (see server.ts). The same binary runs
// the drift command (`pulumi-resource-apikeys drift …`), so a release needs no Node for that either.
import { packageVersion, pluginDownloadUrl } from "./schema";

async function run(argv: string[]): Promise<number | undefined> {
  if (argv[0] === "drift") return (await import("../cli")).main(argv);
  if (argv[0] === "--version") {
    process.stdout.write(`pulumi-resource-apikeys v${packageVersion()} (Node ${process.versions.node}; downloads from ${pluginDownloadUrl()})\n`);
    return 0;
  }
  await (await import("./server")).serve(argv);
  return undefined; // serving: the process lives until the engine ends it
}

run(process.argv.slice(2)).then(
  (code) => code === undefined || process.exit(code),
  (e: unknown) => {
    process.stderr.write(`pulumi-resource-apikeys: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
