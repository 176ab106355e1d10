// `npm run demo`'s program, run as the demo runs it: every step must succeed and end clean.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../support/harness";

test("the demo runs end to end: up, drift found (exit 2), repaired, clean (exit 0), cleaned up", async () => {
  const out: string = await new Promise((resolve, reject) =>
    execFile("node", [path.join(REPO_ROOT, "dist/demo/main.js")], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 500_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`demo failed:\n${stdout}\n${stderr}`)) : resolve(stdout + stderr),
    ),
  );
  // The projects held keys before the demo: the credential is named as such, the others go into a baseline.
  expect(out).toMatch(/credential statsig [0-9a-f]{16} CONSOLE "Console API Key"/);
  expect(out).toMatch(/4 unmanaged key\(s\) added to .*drift-ignore\.yaml/);
  expect(out).toMatch(/# statsig "Server Secret Key"/);
  expect(out).toMatch(/drifted\s+statsig checkout-server/);
  expect(out).toMatch(/scopes: declared \["omni_read_only"\], live \["omni_read_only","omni_read_write"\] \(\+omni_read_write\)/);
  expect(out).toMatch(/\(exit code 2\)[\s\S]*\(exit code 0\)/);
  expect(out).toContain("Demo complete.");
}, 600_000);
