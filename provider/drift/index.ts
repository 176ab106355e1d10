export { detectDrift, detectDriftIn, type DriftOptions } from "./detect";
export { IgnoreRules } from "./ignore";
export { type DriftReport, type ResourceReport, type FieldDrift, type UnmanagedKey, exitCodeOf } from "./report";
export { renderJson, renderMarkdown, renderText } from "./render";
