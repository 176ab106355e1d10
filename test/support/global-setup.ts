// Jest's global setup for the projects that install the package (e2e, reliability): one `npm pack`
// per run, shared by every test file (test/support/packed.ts).
import { packOnce } from "./packed";

export default function globalSetup(): void {
  packOnce();
}
