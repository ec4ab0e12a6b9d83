import { describe, expect, it } from "vitest";
import type { FieldIssue } from "./field-issue.ts";

describe("FieldIssue", () => {
  it("names a field and a rule", () => {
    const issue: FieldIssue = { field: "spec.replicas", message: "must be >= 0" };
    expect(`${issue.field}: ${issue.message}`).toBe("spec.replicas: must be >= 0");
  });
});
