// Every invalid input of the table (test/support/bad-input-cases.ts), for every API of the registry, in
// process: the resource's check refuses it with the exact message (the field, then the rule), never
// names a property (the engine would print that input's value beside it), and makes no API call. One
// preview per API (test/e2e/bad-input.test.ts) shows the same message reaching the user.
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { ENTRIES } from "../../provider/registry";
import { BAD_INPUT } from "../support/bad-input-cases";
import { emulatorSettings } from "../support/harness";

jest.setTimeout(30_000);
let emulator: Emulator;
beforeAll(async () => {
  emulator = createEmulator({ port: 0 });
  const url = await emulator.start();
  // A real endpoint and credentials: a check that called the API would reach it and be counted.
  const s = emulatorSettings(url);
  const config: Record<string, string> = { ...s.config, ...s.secrets };
  for (const e of ENTRIES) await e.provider().configure({ config: { get: (k: string) => config[k] } });
});
afterAll(() => emulator.stop());

test(`${BAD_INPUT.length} distinct invalid inputs, at least 10 for every API of the registry`, () => {
  expect(new Set(BAD_INPUT.map(([api, args]) => api + JSON.stringify(args))).size).toBe(BAD_INPUT.length);
  for (const e of ENTRIES) expect([e.api, BAD_INPUT.filter(([api]) => api === e.api).length >= 10]).toEqual([e.api, true]);
});

describe.each(ENTRIES.map((e) => [e.api, e] as const))("%s: every invalid input", (api, entry) => {
  test.each(BAD_INPUT.filter(([a]) => a === api).map(([, args, message]) => [JSON.stringify(args).slice(0, 90), args, message] as const))(
    "%s",
    async (_name, args, message) => {
      const r = await entry.provider().check({}, args);
      expect(r.inputs).toBeUndefined();
      expect(r.failures?.map((f) => f.reason)).toEqual([message].flat());
      expect(r.failures?.filter((f) => f.property !== "")).toEqual([]);
    },
  );

  test("no API call for any of them", () => {
    expect(emulator.log).toHaveLength(0);
  });
});
