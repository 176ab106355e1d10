// A valid credential of another project or account never makes managed keys look deleted, in process:
// every case against the real providers and the emulator, driven as the engine drives them. Refresh,
// the drift report and destroy all stop with an error that names the credential, the state keeps every
// key, and nothing is created or deleted; with the right credential back, everything converges. What
// the engine itself does with those errors (state kept on a failed refresh and destroy, the CLI's
// output) is shown for one case through the CLI in test/e2e/foreign-credentials.test.ts.
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../support/emulator-admin";
import { FOREIGN_CREDENTIALS } from "../support/foreign-credentials";
import { emulatorSettings } from "../support/harness";
import { ProviderEngine } from "../support/provider-engine";

jest.setTimeout(60_000); // each case is a dozen runs against the emulator
let emulator: Emulator;
let admin: EmulatorAdmin;
let seeded: Record<string, number>;
beforeAll(async () => {
  emulator = createEmulator({ port: 0 });
  admin = new EmulatorAdmin(await emulator.start());
  seeded = await admin.liveCounts(); // what the vendor projects held before (defaults, keys made by hand)
});
afterAll(() => emulator.stop());

test.each(FOREIGN_CREDENTIALS)("$label: refresh, drift and destroy stop and name the credential; state keeps every key", async (c) => {
  const s = emulatorSettings(admin.url);
  const settings: Record<string, string> = { ...s.config, ...s.secrets, [c.setting]: c.right };
  const engine = new ProviderEngine(() => settings);
  expect(await engine.up(c.keys)).toEqual({ code: 0 });
  const live = JSON.stringify(await admin.liveCounts());

  // The stack now runs with the other credential.
  settings[c.setting] = c.wrong;
  expect(await engine.up(c.keys)).toEqual({ code: 0 }); // nothing to do: no call
  const refresh = await engine.refresh();
  expect(refresh.code).toBe(1);
  expect(refresh.error).toContain("[PAK_WRONG_SCOPE]");
  expect(refresh.error).toContain(`is not visible with the credential in ${c.setting}`);
  expect(engine.state).toHaveLength(2);

  const report = await engine.drift();
  expect(report.errors.join("\n")).toContain(c.setting);
  expect(report.resources.filter((r) => r.status === "deleted")).toEqual([]);

  const destroy = await engine.up({});
  expect(destroy.code).toBe(1);
  expect(destroy.error).toContain("[PAK_WRONG_SCOPE]");
  expect(engine.state).toHaveLength(2);
  expect(JSON.stringify(await admin.liveCounts())).toBe(live); // nothing created or deleted anywhere

  // The right credential back: nothing drifted, and destroy removes the keys.
  settings[c.setting] = c.right;
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(await engine.pendingChanges(c.keys)).toEqual([]);
  expect(await engine.up({})).toEqual({ code: 0 });
  expect(await admin.liveCounts()).toEqual(seeded); // the projects are as they were
});
