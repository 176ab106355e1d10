// Every Pulumi command starts the provider in a fresh Node process, which compiled the bundle and undici
// anew each time: about 3.5 and 3 ms of a process's start here. The API's entry (scripts/bundle-providers.ts)
// turns on Node's code cache (Node 22.10+, in the OS temp dir; NODE_DISABLE_COMPILE_CACHE=1 turns it off), and
// what has just loaded is written at once: the engine ends a provider process with a signal, so Node's own
// write at exit never comes (test/e2e/statsig.test.ts).
/** `loaded`, after writing the code cache for what has loaded so far (a no-op where the cache is off or
 * absent). Called once per load: core/http.ts wraps each load in `once`. */
export function compiled<T>(loaded: T): T {
  // Required here, not imported: nothing more to load where no request is made (the plugin's start-up).
  (require("node:module") as typeof import("node:module")).flushCompileCache?.();
  return loaded;
}
