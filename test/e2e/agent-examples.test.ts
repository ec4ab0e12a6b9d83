import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { KubeCondition, Rollout } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { argoKinds, builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";

const examplesDir = path.resolve(import.meta.dirname, "../../examples");
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface KubeEvent {
  metadata: { resourceVersion: string };
  involvedObject: { kind: string; name: string; apiVersion: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string };
}

function kindPath(doc: { kind: string; metadata: { namespace?: string } }): string {
  const ns = doc.metadata.namespace ?? "default";
  if (doc.kind === "Service") return resourcePath(builtins.services, ns);
  if (doc.kind === "Rollout") return resourcePath(argoKinds().rollouts, ns);
  throw new Error(`examples hold only Services and Rollouts, found ${doc.kind}`);
}

/** The conditions Argo leaves on a healthy Rollout (Paused turned False after a promote or pause step). */
function expectArgoHealthyConditions(r: Rollout, hash: string, wentThroughPauses: boolean): void {
  const s = r.status!;
  const byType = Object.fromEntries((s.conditions ?? []).map((c: KubeCondition) => [c.type, c]));
  // After pauses Argo keeps the Paused condition, turned False with reason RolloutResumed.
  expect(Object.keys(byType).sort()).toEqual(
    wentThroughPauses
      ? ["Available", "Completed", "Healthy", "Paused", "Progressing"]
      : ["Available", "Completed", "Healthy", "Progressing"],
  );
  if (wentThroughPauses) {
    expect(byType.Paused).toMatchObject({ status: "False", reason: "RolloutResumed", message: "Rollout is resumed" });
  }
  expect(byType.Available).toMatchObject({
    status: "True",
    reason: "AvailableReason",
    message: "Rollout has minimum availability",
  });
  expect(byType.Healthy).toMatchObject({ status: "True", reason: "RolloutHealthy", message: "Rollout is healthy" });
  expect(byType.Completed).toMatchObject({ status: "True", reason: "RolloutCompleted" });
  expect(byType.Progressing).toMatchObject({
    status: "True",
    reason: "NewReplicaSetAvailable",
    message: `ReplicaSet "${r.metadata.name}-${hash}" has successfully progressed.`,
  });
  for (const c of s.conditions ?? []) {
    expect(c.lastTransitionTime).toMatch(TIME);
    expect(c.lastUpdateTime).toMatch(TIME);
  }
}

/** The status Argo's controller writes for a fully promoted, healthy canary Rollout. */
function expectArgoHealthyStatus(r: Rollout, generation: number, wentThroughPauses: boolean): void {
  const s = r.status!;
  const replicas = r.spec.replicas ?? 1;
  const steps = r.spec.strategy?.canary?.steps ?? [];
  const hash = s.currentPodHash!;
  expect(Object.keys(s).sort()).toEqual(
    [
      "HPAReplicas",
      "availableReplicas",
      "blueGreen",
      "canary",
      "conditions",
      "currentPodHash",
      "currentStepHash",
      ...(steps.length > 0 ? ["currentStepIndex"] : []),
      "observedGeneration",
      "phase",
      "readyReplicas",
      "replicas",
      "selector",
      "stableRS",
      "updatedReplicas",
    ].sort(),
  );
  expect(s).toMatchObject({
    HPAReplicas: replicas,
    availableReplicas: replicas,
    readyReplicas: replicas,
    replicas,
    updatedReplicas: replicas,
    blueGreen: {},
    canary: {},
    observedGeneration: String(generation),
    phase: "Healthy",
    selector: `app=${r.metadata.name}`,
    stableRS: hash,
    currentStepIndex: steps.length,
  });
  expect(hash).toMatch(/^[a-z0-9]{8,10}$/);
  expectArgoHealthyConditions(r, hash, wentThroughPauses);
}

/** The status Argo's controller writes for a fully promoted, healthy blue-green Rollout (old pods gone). */
function expectArgoHealthyBlueGreenStatus(r: Rollout, generation: number, wentThroughPause: boolean): void {
  const s = r.status!;
  const replicas = r.spec.replicas ?? 1;
  const hash = s.currentPodHash!;
  const preview = r.spec.strategy?.blueGreen?.previewService;
  expect(Object.keys(s).sort()).toEqual(
    [
      "HPAReplicas",
      "availableReplicas",
      "blueGreen",
      "canary",
      "conditions",
      "currentPodHash",
      "observedGeneration",
      "phase",
      "readyReplicas",
      "replicas",
      "selector",
      "stableRS",
      "updatedReplicas",
    ].sort(),
  );
  expect(s).toEqual(
    expect.objectContaining({
      HPAReplicas: replicas,
      availableReplicas: replicas,
      readyReplicas: replicas,
      replicas,
      updatedReplicas: replicas,
      blueGreen: preview ? { activeSelector: hash, previewSelector: hash } : { activeSelector: hash },
      canary: {},
      observedGeneration: String(generation),
      phase: "Healthy",
      // Argo reports the active ReplicaSet's selector, hash included.
      selector: `app=${r.metadata.name},rollouts-pod-template-hash=${hash}`,
      stableRS: hash,
    }),
  );
  expect(hash).toMatch(/^[a-z0-9]{8,10}$/);
  expectArgoHealthyConditions(r, hash, wentThroughPause);
}

/** A healthy status once the old ReplicaSet's pods are gone (blue-green keeps them for its scale-down delay). */
function settled(r: Rollout): boolean {
  const s = r.status ?? {};
  return s.phase === "Healthy" && s.replicas === (r.spec.replicas ?? 1) && s.stableRS === s.currentPodHash;
}

describe("example manifests run to Healthy and through an update, with Argo's status and Events", () => {
  let w: AgentWorld;
  const files = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  beforeAll(async () => {
    w = await startAgentWorld();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it.each(files)(
    "%s",
    async (file) => {
      const docs = parseAllDocuments(readFileSync(path.join(examplesDir, file), "utf8")).map(
        (d) =>
          d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> },
      );
      for (const doc of docs) await w.client.create(kindPath(doc), doc);
      const rolloutDoc = docs.find((d) => d.kind === "Rollout")!;
      const ns = rolloutDoc.metadata.namespace ?? "default";
      const name = rolloutDoc.metadata.name;
      const first = await w.waitForRollout(ns, name, "initial deploy healthy", settled);
      const blueGreen = first.spec.strategy?.blueGreen;
      if (blueGreen) expectArgoHealthyBlueGreenStatus(first, 1, false);
      else expectArgoHealthyStatus(first, 1, false);
      const firstHash = first.status!.currentPodHash!;

      // Services named by the strategy are pinned to the stable hash.
      for (const svc of docs.filter((d) => d.kind === "Service")) {
        const live = await w.client.get<{
          spec: { selector: Record<string, string> };
          metadata: { annotations?: Record<string, string> };
        }>(resourcePath(builtins.services, ns, svc.metadata.name));
        expect(live.spec.selector["rollouts-pod-template-hash"]).toBe(firstHash);
        expect(live.metadata.annotations?.["argo-rollouts.argoproj.io/managed-by-rollouts"]).toBe(name);
      }

      // The update: a new image, promoted through any manual gates.
      const container = (first.spec.template?.spec?.containers ?? [])[0]!;
      await w.client.patch(resourcePath(w.rollouts, ns, name), {
        spec: { template: { spec: { containers: [{ ...container, image: `${container.image}-next` }] } } },
      });
      const steps = first.spec.strategy?.canary?.steps ?? [];
      const manualGates = blueGreen
        ? blueGreen.autoPromotionEnabled === false
          ? 1
          : 0
        : steps.filter((st) => st.pause && st.pause.duration === undefined).length;
      let promotes = 0;
      const done = await w.waitForRollout(
        ns,
        name,
        "update healthy, old pods gone",
        async (r) => {
          const s = r.status ?? {};
          const indefinite = blueGreen
            ? (s.pauseConditions ?? []).some((p) => p.reason === "BlueGreenPause")
            : steps[s.currentStepIndex ?? 0]?.pause && steps[s.currentStepIndex ?? 0]?.pause?.duration === undefined;
          if (indefinite && s.currentPodHash !== firstHash && (s.pauseConditions ?? []).length > 0) {
            const outcome = await w.agent.commands.execute({
              id: `promote-${name}-${s.currentStepIndex ?? "bg"}`,
              namespace: ns,
              name,
              action: {
                type: "promote",
                ...(blueGreen ? {} : { expectStepIndex: s.currentStepIndex ?? 0 }),
                expectPodHash: s.currentPodHash ?? "",
              },
              actor: "test",
            });
            if (outcome.outcome === "APPLIED" && !outcome.duplicate) promotes++;
          }
          return s.currentPodHash !== firstHash && settled(r);
        },
        60_000,
      );
      if (blueGreen) expectArgoHealthyBlueGreenStatus(done, 2, manualGates > 0);
      else
        expectArgoHealthyStatus(
          done,
          2,
          steps.some((st) => st.pause),
        );
      expect(promotes).toBe(manualGates);
      const secondHash = done.status!.currentPodHash!;
      for (const svc of docs.filter((d) => d.kind === "Service")) {
        const live = await w.client.get<{ spec: { selector: Record<string, string> } }>(
          resourcePath(builtins.services, ns, svc.metadata.name),
        );
        expect(live.spec.selector["rollouts-pod-template-hash"]).toBe(secondHash);
      }

      // Events, in the order they were recorded, as Argo's controller words them.
      const events = (await w.client.get<{ items: KubeEvent[] }>(resourcePath(builtins.events, ns))).items
        .filter((e) => e.involvedObject.name === name && e.involvedObject.kind === "Rollout")
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
      for (const e of events) {
        expect(e.involvedObject.apiVersion).toBe("argoproj.io/v1alpha1");
        expect(e.source.component).toBe("rollouts-controller");
        expect(e.type).toBe("Normal");
      }
      const messages = events.map((e) => `${e.reason}: ${e.message}`);
      const rsName = (hash: string) => `${name}-${hash}`;
      const replicas = first.spec.replicas ?? 1;
      expect(messages[0]).toBe(`NewReplicaSetCreated: Created ReplicaSet ${rsName(firstHash)} (revision 1)`);
      expect(messages).toContain(
        `RolloutCompleted: Rollout completed update to revision 1 (${firstHash}): Initial deploy`,
      );
      expect(messages).toContain("RolloutUpdated: Rollout updated to revision 2");
      expect(messages).toContain(`NewReplicaSetCreated: Created ReplicaSet ${rsName(secondHash)} (revision 2)`);
      expect(
        messages
          .filter((m) => m.startsWith("ScalingReplicaSet: Scaled up ReplicaSet") && m.includes(rsName(secondHash)))
          .at(-1),
      ).toMatch(new RegExp(`to ${replicas}$`));
      // Every Service switch is reported once, first onto the initial hash, then onto the new one.
      for (const svc of docs.filter((d) => d.kind === "Service")) {
        const switches = messages.filter((m) =>
          m.startsWith(`SwitchService: Switched selector for service '${svc.metadata.name}'`),
        );
        expect(switches).toEqual([
          `SwitchService: Switched selector for service '${svc.metadata.name}' from '' to '${firstHash}'`,
          `SwitchService: Switched selector for service '${svc.metadata.name}' from '${firstHash}' to '${secondHash}'`,
        ]);
      }
      const transitions = messages.filter((m) => !m.startsWith("SwitchService") && !m.startsWith("ScalingReplicaSet"));
      if (blueGreen) {
        const preview = blueGreen.previewReplicaCount;
        expect(messages).toContain(
          `ScalingReplicaSet: Scaled up ReplicaSet ${rsName(firstHash)} (revision 1) from 0 to ${replicas}`,
        );
        // The preview first runs at previewReplicaCount, and only grows after the promote.
        if (preview !== undefined) {
          expect(messages).toContain(
            `ScalingReplicaSet: Scaled up ReplicaSet ${rsName(secondHash)} (revision 2) from 0 to ${preview}`,
          );
        }
        expect(messages.filter((m) => m === "RolloutPaused: Rollout is paused (BlueGreenPause)")).toHaveLength(
          manualGates,
        );
        expect(messages.filter((m) => m.startsWith("RolloutStepCompleted"))).toEqual([]);
        expect(transitions.at(-1)).toBe(
          `RolloutCompleted: Rollout completed update to revision 2 (${secondHash}): Completed blue-green update`,
        );
        // The old pods go only after the active Service left them, and last.
        const activeSwitch = messages.indexOf(
          `SwitchService: Switched selector for service '${blueGreen.activeService}' from '${firstHash}' to '${secondHash}'`,
        );
        const scaleDown = messages.indexOf(
          `ScalingReplicaSet: Scaled down ReplicaSet ${rsName(firstHash)} (revision 1) from ${replicas} to 0`,
        );
        expect(activeSwitch).toBeGreaterThan(0);
        expect(scaleDown).toBeGreaterThan(activeSwitch);
        expect(messages.at(-1)).toBe(messages[scaleDown]);
      } else {
        expect(messages).toContain(
          `ScalingReplicaSet: Scaled down ReplicaSet ${rsName(firstHash)} (revision 1) from 1 to 0`,
        );
        const stepMessages = messages.filter((m) => m.startsWith("RolloutStepCompleted"));
        expect(stepMessages).toEqual(
          steps.map((st, i) => {
            const what =
              st.setWeight !== undefined
                ? `setWeight: ${st.setWeight}`
                : st.pause?.duration === undefined
                  ? "pause"
                  : `pause: ${typeof st.pause.duration === "number" ? `${st.pause.duration}s` : st.pause.duration}`;
            return `RolloutStepCompleted: Rollout step ${i + 1}/${steps.length} completed (${what})`;
          }),
        );
        expect(messages.filter((m) => m === "RolloutPaused: Rollout is paused (CanaryPauseStep)")).toHaveLength(
          steps.filter((st) => st.pause).length,
        );
        expect(transitions.at(-1)).toBe(
          `RolloutCompleted: Rollout completed update to revision 2 (${secondHash}): Completed all ${steps.length} canary steps`,
        );
      }
      expect(events.every((e) => e.count === 1)).toBe(true);
    },
    90_000,
  );
});
