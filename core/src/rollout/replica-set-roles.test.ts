import { describe, expect, it } from "vitest";
import type { PodTemplateSpec } from "../types/kube-meta.ts";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { beforeStartingStep } from "./canary-steps.ts";
import {
  abortScaleDownDelaySeconds,
  progressDeadlineSeconds,
  revisionHistoryLimit,
  rolloutReplicas,
} from "./defaults.ts";
import { sameReplicaSet, specReplicas, sumAvailableReplicas } from "./replica-set-counts.ts";
import {
  findNewReplicaSet,
  findStableReplicaSet,
  nextRevision,
  otherReplicaSets,
  replicaSetRevision,
} from "./replica-set-roles.ts";

const template = (image: string): PodTemplateSpec => ({
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "web", image }] },
});

function rs(hash: string, image: string, revision: string, created: string): ReplicaSet {
  return {
    metadata: {
      name: `web-${hash}`,
      creationTimestamp: created,
      labels: { app: "web", "rollouts-pod-template-hash": hash },
      annotations: { "rollout.argoproj.io/revision": revision },
    },
    spec: {
      replicas: 2,
      template: { ...template(image), metadata: { labels: { app: "web", "rollouts-pod-template-hash": hash } } },
    },
    status: { availableReplicas: 2 },
  };
}

const v1 = rs("aaa", "web:1", "1", "2026-11-20T00:00:00Z");
const v2 = rs("bbb", "web:2", "2", "2026-11-21T00:00:00Z");
const v2dup = rs("ccc", "web:2", "3", "2026-11-21T06:00:00Z");
const rollout: Rollout = {
  metadata: { name: "web" },
  spec: { template: template("web:2"), strategy: { canary: {} } },
  status: { stableRS: "aaa", currentPodHash: "bbb" },
};

describe("ReplicaSet roles", () => {
  it("finds the new ReplicaSet by template (ignoring hash labels), the oldest of equals", () => {
    expect(findNewReplicaSet(rollout, [v2dup, v1, v2])).toBe(v2);
    expect(findNewReplicaSet({ ...rollout, spec: { template: template("web:3") } }, [v1, v2])).toBeUndefined();
    expect(findNewReplicaSet({ ...rollout, spec: {} }, [v1])).toBeUndefined();
  });

  it("finds the stable by its hash, the new one when they coincide, none before the first promotion", () => {
    expect(findStableReplicaSet(rollout, v2, [v1, v2])).toBe(v1);
    expect(findStableReplicaSet({ ...rollout, status: { stableRS: "bbb" } }, v2, [v1, v2])).toBe(v2);
    expect(findStableReplicaSet({ ...rollout, status: {} }, v2, [v1, v2])).toBeUndefined();
  });

  it("lists the others and numbers revisions", () => {
    expect(otherReplicaSets([v1, v2, v2dup], v2, v1)).toEqual([v2dup]);
    expect(replicaSetRevision(v2dup)).toBe(3);
    expect(replicaSetRevision({ metadata: { annotations: { "rollout.argoproj.io/revision": "x" } }, spec: {} })).toBe(
      0,
    );
    expect(nextRevision([v1, v2dup, v2])).toBe(4);
    expect(nextRevision([])).toBe(1);
  });

  it("compares ReplicaSets by name, or by hash when unnamed; spec.replicas defaults to 1", () => {
    const unnamed = (hash: string): ReplicaSet => ({
      metadata: { labels: { "rollouts-pod-template-hash": hash } },
      spec: {},
    });
    expect(sameReplicaSet(unnamed("x"), unnamed("x"))).toBe(true);
    expect(sameReplicaSet(unnamed("x"), unnamed("y"))).toBe(false);
    expect(sameReplicaSet(v1, undefined)).toBe(false);
    expect(specReplicas(unnamed("x"))).toBe(1);
    expect(sumAvailableReplicas([v1, undefined, v2])).toBe(4);
  });
});

describe("defaults", () => {
  it("fills Argo's defaults", () => {
    expect(rolloutReplicas({ metadata: {}, spec: {} })).toBe(1);
    expect(progressDeadlineSeconds({ metadata: {}, spec: {} })).toBe(600);
    expect(revisionHistoryLimit({ metadata: {}, spec: { revisionHistoryLimit: 3 } })).toBe(3);
  });

  it("abortScaleDownDelaySeconds: 30 by default with a router or blue-green, never when 0, at once otherwise", () => {
    const bg = (v?: number): Rollout => ({
      metadata: {},
      spec: { strategy: { blueGreen: { activeService: "a", abortScaleDownDelaySeconds: v } } },
    });
    const routed = (v?: number): Rollout => ({
      metadata: {},
      spec: { strategy: { canary: { trafficRouting: { smi: {} }, abortScaleDownDelaySeconds: v } } },
    });
    expect(abortScaleDownDelaySeconds(bg())).toBe(30);
    expect(abortScaleDownDelaySeconds(bg(0))).toBeUndefined();
    expect(abortScaleDownDelaySeconds(bg(5))).toBe(5);
    expect(abortScaleDownDelaySeconds(routed())).toBe(30);
    expect(abortScaleDownDelaySeconds(routed(0))).toBeUndefined();
    expect(abortScaleDownDelaySeconds({ metadata: {}, spec: { strategy: { canary: {} } } })).toBe(0);
  });

  it("beforeStartingStep holds background analysis until its starting step", () => {
    const at = (index: number, startingStep?: number): Rollout => ({
      metadata: {},
      spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { setWeight: 50 }], analysis: { startingStep } } } },
      status: { currentStepIndex: index },
    });
    expect(beforeStartingStep(at(0, 1))).toBe(true);
    expect(beforeStartingStep(at(1, 1))).toBe(false);
    expect(beforeStartingStep(at(0))).toBe(false);
  });
});
