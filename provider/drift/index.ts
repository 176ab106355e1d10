export { detectDrift, detectDriftIn, DriftOptions } from "./detect";
export { IgnoreRules } from "./ignore";
export { DriftReport, ResourceReport, FieldDrift, UnmanagedKey, exitCodeOf } from "./report";
export { renderJson, renderMarkdown, renderText } from "./render";
