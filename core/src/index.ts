/** @bellwether/core: pure decisions, no I/O. Each area has its own barrel. */
export * from "./analysis/index.ts";
export type { FieldIssue } from "./field-issue.ts";
export * from "./policy/index.ts";
export * from "./rollout/index.ts";
