// Loaded with `node --require` into every Node process of a benchmark's in-memory project: gives the
// package's process-wide transport (its documented seam) as a function, so the in-memory vendor
// (bench/memory-transport.ts, with its dispatcher and the store's log) loads only in a process that
// makes a request. A process that makes none (the language host's helpers, a provider answering from
// the run's notes) then costs what it costs the floor, not the mock's loading.
import { setProcessDispatcher } from "../provider/core/process-transport";

const file = process.env.PAK_BENCH_MEMORY_STORE;
if (file)
  setProcessDispatcher(() => {
    const { MemoryStatsig, memoryDispatcher } = require("./memory-transport") as typeof import("./memory-transport");
    const store = new MemoryStatsig(file);
    if (process.env.PAK_BENCH_MEMORY_CONSOLE_KEY) store.seed(process.env.PAK_BENCH_MEMORY_CONSOLE_KEY);
    return memoryDispatcher(store);
  });
