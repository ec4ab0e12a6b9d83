import type { Rollout } from "@bellwether/core";
import { describe, expect, it } from "vitest";
import { analysisRunName, rolloutFieldValue, runFailed, runPhaseOf } from "./rollout-analysis.ts";

const rollout = {
  metadata: { name: "checkout", labels: { env: "prod" }, annotations: { "team.example/owner": "payments" } },
  spec: { replicas: 3, template: { metadata: { labels: { version: "v2" } } } },
  status: { alb: { canaryTargetGroup: { name: "tg-canary" } } },
} as unknown as Rollout;

describe("rollout analysis runs", () => {
  it("names runs as Argo does for each rollout type", () => {
    const base = { rollout, podHash: "6d4f8b9c7", revision: 4 };
    expect(analysisRunName({ ...base, type: "Step", stepIndex: 2 })).toBe("checkout-6d4f8b9c7-4-2");
    expect(analysisRunName({ ...base, type: "Background" })).toBe("checkout-6d4f8b9c7-4");
    expect(analysisRunName({ ...base, type: "PrePromotion" })).toBe("checkout-6d4f8b9c7-4-pre");
    expect(analysisRunName({ ...base, type: "PostPromotion" })).toBe("checkout-6d4f8b9c7-4-post");
  });

  it("values fieldRef paths: downward-API label/annotation syntax and dotted paths into the Rollout", () => {
    expect(rolloutFieldValue(rollout, "metadata.labels['env']")).toBe("prod");
    expect(rolloutFieldValue(rollout, "metadata.annotations['team.example/owner']")).toBe("payments");
    expect(rolloutFieldValue(rollout, "metadata.name")).toBe("checkout");
    expect(rolloutFieldValue(rollout, "status.alb.canaryTargetGroup.name")).toBe("tg-canary");
    expect(rolloutFieldValue(rollout, "spec.template.metadata.labels.version")).toBe("v2");
    expect(rolloutFieldValue(rollout, "spec.replicas")).toBe("3");
    expect(rolloutFieldValue(rollout, "metadata.labels['missing']")).toBeUndefined();
    expect(rolloutFieldValue(rollout, "status.alb.nothing.here")).toBeUndefined();
  });

  it("reads run phases for the step machine; only Failed and Error abort", () => {
    expect(runPhaseOf(undefined)).toBeUndefined();
    expect(runPhaseOf({ name: "r", status: "" })).toBe("Pending");
    expect(runPhaseOf({ name: "r", status: "Inconclusive" })).toBe("Inconclusive");
    expect(["Failed", "Error", "Inconclusive", "Successful"].map((s) => runFailed({ name: "r", status: s }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
