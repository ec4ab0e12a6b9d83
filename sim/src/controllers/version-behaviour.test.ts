import { describe, expect, it } from "vitest";
import { DEFAULT_READY_DELAY_MS, versionBehaviour } from "./version-behaviour.ts";

describe("versionBehaviour", () => {
  it("reads the kube-sim annotations", () => {
    const b = versionBehaviour({
      "kube-sim.bellwether.dev/error-rate": "0.25",
      "kube-sim.bellwether.dev/latency-ms": "120",
      "kube-sim.bellwether.dev/ready-delay-ms": "0",
      "kube-sim.bellwether.dev/never-ready": "true",
      "kube-sim.bellwether.dev/job-result": "fail",
      "kube-sim.bellwether.dev/job-duration-ms": "50",
    });
    expect(b).toEqual({
      errorRate: 0.25,
      latencyMs: 120,
      readyDelayMs: 0,
      neverReady: true,
      jobFails: true,
      jobDurationMs: 50,
      problems: [],
    });
  });

  it("falls back to defaults on bad values and names the annotation and the rule", () => {
    const b = versionBehaviour({
      "kube-sim.bellwether.dev/error-rate": "150%",
      "kube-sim.bellwether.dev/ready-delay-ms": "-1",
      "kube-sim.bellwether.dev/never-ready": "yes",
    });
    expect(b.errorRate).toBe(0);
    expect(b.readyDelayMs).toBe(DEFAULT_READY_DELAY_MS);
    expect(b.neverReady).toBe(false);
    expect(b.problems).toEqual([
      'kube-sim.bellwether.dev/error-rate: "150%" must be a number from 0 to 1',
      'kube-sim.bellwether.dev/ready-delay-ms: "-1" must be a number from 0 to 86400000',
      'kube-sim.bellwether.dev/never-ready: "yes" must be "true" or "false"',
    ]);
  });
});
