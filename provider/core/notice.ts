// A warning for the person running `pulumi up`, sent from inside the dynamic-provider process. The host
// starts that process with the engine's address as its argument, but the SDK there never connects its
// log to it: point the log at the engine before the first message.
import type * as pulumiTypes from "@pulumi/pulumi";

type Level = "warn" | "info";
let sink: ((message: string, level: Level) => Promise<void>) | undefined;

/** Where notices go instead (the native plugin sends them to the engine itself). */
export function setNoticeSink(s: (message: string, level: Level) => Promise<void>): void {
  sink = s;
}

export function notice(message: string, level: Level = "warn"): Promise<void> {
  if (sink) return sink(message, level).catch(() => undefined);
  try {
    const addr = process.argv[2] ?? "";
    if (/^[\w.-]+:\d+$/.test(addr)) {
      process.env.PULUMI_NODEJS_ENGINE ??= addr; // read when the SDK creates its settings
      const options = (globalThis as { globalStore?: { settings?: { options?: { engineAddr?: string } } } }).globalStore?.settings?.options;
      if (options && !options.engineAddr) options.engineAddr = addr; // or already created
    }
  } catch {
    // the message is still written where the SDK writes without an engine
  }
  // Loaded here, not at the top: the native plugin ships without the SDK's runtime (it sets a sink).
  const pulumi = require("@pulumi/pulumi") as typeof pulumiTypes;
  return pulumi.log[level](message).catch(() => undefined);
}
