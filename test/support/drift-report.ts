// A drift report built by hand, summarized as the drift command summarizes it: for the renderer and
// exit-code tests, which need no stack.
import { DriftReport, summarize } from "../../provider/drift/report";

export function driftReport(parts: Partial<Omit<DriftReport, "summary">>): DriftReport {
  return summarize({
    schemaVersion: 1,
    project: "p",
    stack: "s",
    generatedAt: "2026-11-22T00:00:00.000Z",
    resources: [],
    unmanaged: [],
    credentials: [],
    errors: [],
    apiCalls: {},
    ...parts,
  });
}
