import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { parseLabelSelector, validateLabels } from "./labels.ts";

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as ApiError).field;
  }
  return undefined;
}

describe("labels", () => {
  it("accepts Kubernetes-style labels", () => {
    expect(validateLabels({ env: "prod", "topology.kubernetes.io/region": "eu-west-1", empty: "" })).toBeDefined();
    expect(validateLabels(undefined)).toEqual({});
  });

  it("names the bad label", () => {
    expect(fieldOf(() => validateLabels({ "bad key": "x" }))).toBe("labels.bad key");
    expect(fieldOf(() => validateLabels({ env: "a b" }))).toBe("labels.env");
    expect(fieldOf(() => validateLabels({ env: 3 }))).toBe("labels.env");
    expect(fieldOf(() => validateLabels({ "Bad_Prefix/x": "y" }))).toBe("labels.Bad_Prefix/x");
    expect(fieldOf(() => validateLabels([]))).toBe("labels");
    expect(() => validateLabels({ env: "x".repeat(64) })).toThrow(ApiError);
  });

  it("parses equality selectors", () => {
    expect(parseLabelSelector("env=prod, region==eu", "label")).toEqual({ env: "prod", region: "eu" });
    expect(fieldOf(() => parseLabelSelector("env!=prod", "label"))).toBe("label");
    expect(fieldOf(() => parseLabelSelector("env", "label"))).toBe("label");
  });
});
