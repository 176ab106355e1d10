// A warning for the person running `pulumi up`, sent from inside the dynamic-provider process. The host
// starts that process with the engine's address as its argument, but the SDK there never connects its
// log to it: point the log at the engine before the first message.
import * as pulumi from "@pulumi/pulumi";

export function notice(message: string): Promise<void> {
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
  return pulumi.log.warn(message).catch(() => undefined);
}
