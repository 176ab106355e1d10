// The process-wide transport: like undici's global dispatcher, but ours alone (the user's stays theirs).
// Kept apart from http.ts so that a preload (the benchmarks' in-memory floor) can set it without loading
// the HTTP stack: it may give a function, called on the first request, so a process that makes none
// (a language host, a provider answering from a run's notes) never pays for the transport.
import type { Dispatcher } from "undici";

// Keyed by a registered symbol, not a module variable: a preload must reach the package wherever it is installed from.
const PROCESS_TRANSPORT = Symbol.for("pulumi-api-keys.dispatcher");
const slot = globalThis as Record<symbol, unknown>;

export type ProcessTransport = Dispatcher | (() => Dispatcher);

/** Makes every client of this process without a dispatcher of its own use `dispatcher` (undefined: the default again). */
export function setProcessDispatcher(dispatcher: ProcessTransport | undefined): void {
  slot[PROCESS_TRANSPORT] = dispatcher;
}

/** The process's transport, if one is set; a function given for it is called once, here. */
export function processDispatcher(): Dispatcher | undefined {
  const t = slot[PROCESS_TRANSPORT] as ProcessTransport | undefined;
  if (typeof t !== "function") return t;
  const made = t();
  slot[PROCESS_TRANSPORT] = made;
  return made;
}
