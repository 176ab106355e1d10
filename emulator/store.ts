// The emulator's data: one JSON-serializable object, optionally saved to a file after every change
// so that state survives a restart (`--state FILE`).
import * as fs from "node:fs";

/**
 * Each emulated API's keys, by the API's name. Each API module declares its own entry
 * (`declare module "../store"`), so this file names no vendor.
 */
export interface EmulatorData {
  [api: string]: unknown[];
}

export class Store {
  data: EmulatorData;
  /** Whether the data came from an existing state file (then it is not seeded again). */
  readonly loaded: boolean = false;
  /** `apis`: the names of the APIs served, each with a list of keys. */
  constructor(
    private readonly apis: readonly string[],
    private readonly file?: string,
  ) {
    this.data = this.empty();
    if (file && fs.existsSync(file)) {
      this.data = { ...this.data, ...JSON.parse(fs.readFileSync(file, "utf8")) };
      this.loaded = true;
    }
  }
  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    fs.renameSync(tmp, this.file);
  }
  reset(): void {
    this.data = this.empty();
    this.save();
  }
  private empty(): EmulatorData {
    // Typed by the API modules' declarations, which this file cannot see all of.
    return Object.fromEntries(this.apis.map((api) => [api, []])) as unknown as EmulatorData;
  }
}
