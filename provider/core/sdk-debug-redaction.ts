// The Node SDK sends every RPC response it gets back as a debug diagnostic ("RegisterResource RPC
// finished: …, resp: …", @pulumi/pulumi runtime/resource.js and invoke.js), secret outputs in plaintext.
// `pulumi up --debug` prints those, and the engine keeps them in its log files from -v=3 up. Our keys'
// values are such outputs, so the program drops the `resp:` part before the message leaves it.
import * as pulumi from "@pulumi/pulumi";

type Debug = typeof pulumi.log.debug;
const INSTALLED = Symbol.for("pulumi-api-keys.sdk-debug-redaction");
export const RESPONSE_ELIDED = "[not shown by pulumi-api-keys: may hold secret outputs]";

/** `message` with the RPC response dump cut off; anything else unchanged. */
export function withoutRpcResponse(message: string): string {
  if (!message.includes("RPC finished")) return message;
  const at = message.indexOf(", resp: ");
  return at < 0 ? message : `${message.slice(0, at + ", resp: ".length)}${RESPONSE_ELIDED}`;
}

/** Wraps the SDK's `log.debug` (the one its runtime calls) once per process. */
export function redactSdkRpcResponses(): void {
  // The runtime calls `log.debug` through this module object at call time, so replacing the property works.
  const sdkLog = require("@pulumi/pulumi/log") as { debug: Debug & { [INSTALLED]?: true } };
  if (sdkLog.debug[INSTALLED]) return;
  const original = sdkLog.debug;
  const redacting: Debug & { [INSTALLED]?: true } = (msg, ...rest) => original(withoutRpcResponse(msg), ...rest);
  redacting[INSTALLED] = true;
  sdkLog.debug = redacting;
}
