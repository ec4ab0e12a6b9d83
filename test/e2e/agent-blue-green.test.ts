import type { KubeCondition, ReplicaSet, Rollout } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RolloutCommand } from "../../agent/src/commands/rollout-command.ts";
import { builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";

const NS = "default";
const HASH = "rollouts-pod-template-hash";

function hashOf(rs: ReplicaSet | undefined): string {
  return rs?.metadata.labels?.[HASH] ?? "";
}

interface Pod {
  metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
}

interface KubeEvent {
  metadata: { resourceVersion: string };
  involvedObject: { kind: string; name: string };
  reason: string;
  message: string;
  type: string;
}

/** Two Services and a blue-green Rollout of `name` (ready after 50 ms per pod in the emulator). */
function manifests(name: string, blueGreen: Record<string, unknown>, replicas = 3) {
  const service = (svc: string) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: svc, namespace: NS },
    spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  });
  const rollout = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { "kube-sim.bellwether.dev/ready-delay-ms": "50" } },
        spec: { containers: [{ name, image: `registry.example/${name}:1.0.0` }] },
      },
      strategy: { blueGreen: { activeService: name, previewService: `${name}-preview`, ...blueGreen } },
    },
  };
  return { services: [service(name), service(`${name}-preview`)], rollout };
}

describe("blue-green reconciler end to end (emulated cluster, real client)", () => {
  let w: AgentWorld;
  let seq = 0;
  const cmd = (name: string, action: RolloutCommand["action"]): RolloutCommand => ({
    id: `bg-${++seq}`,
    namespace: NS,
    name,
    action,
    actor: "test",
  });
  const run = async (name: string, action: RolloutCommand["action"]) => w.agent.commands.execute(cmd(name, action));

  async function deploy(name: string, blueGreen: Record<string, unknown>): Promise<Rollout> {
    const m = manifests(name, blueGreen);
    for (const svc of m.services) await w.client.create(resourcePath(builtins.services, NS), svc);
    await w.client.create(resourcePath(w.rollouts, NS), m.rollout);
    return w.waitForRollout(NS, name, "first deploy healthy", (r) => r.status?.phase === "Healthy");
  }

  async function setImage(name: string, image: string): Promise<void> {
    expect((await run(name, { type: "set-image", images: { [name]: image } })).outcome).toBe("APPLIED");
  }

  async function selectorOf(service: string): Promise<string | undefined> {
    const svc = await w.client.get<{ spec: { selector: Record<string, string> } }>(
      resourcePath(builtins.services, NS, service),
    );
    return svc.spec.selector[HASH];
  }

  /** Running (not terminating) pods per pod-template hash. */
  async function podsByHash(name: string): Promise<Record<string, number>> {
    const pods = await w.client.get<{ items: Pod[] }>(resourcePath(builtins.pods, NS));
    const counts: Record<string, number> = {};
    for (const p of pods.items) {
      if (p.metadata.labels?.app !== name || p.metadata.deletionTimestamp) continue;
      const h = p.metadata.labels?.[HASH] ?? "";
      counts[h] = (counts[h] ?? 0) + 1;
    }
    return counts;
  }

  async function rsByHash(name: string): Promise<Map<string, ReplicaSet>> {
    return new Map((await w.replicaSets(NS, name)).map((rs) => [hashOf(rs), rs]));
  }

  async function events(name: string): Promise<string[]> {
    const list = await w.client.get<{ items: KubeEvent[] }>(resourcePath(builtins.events, NS));
    return list.items
      .filter((e) => e.involvedObject.kind === "Rollout" && e.involvedObject.name === name)
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => `${e.type} ${e.reason}: ${e.message}`);
  }

  /** Paused before cutover on `image`, with the preview at `previewPods` available pods. */
  async function pausedBeforeCutover(name: string, image: string, previewPods: number): Promise<Rollout> {
    return w.waitForRollout(NS, name, `BlueGreenPause on ${image}`, async (r) => {
      if (!(r.status?.pauseConditions ?? []).some((p) => p.reason === "BlueGreenPause")) return false;
      const preview = (await rsByHash(name)).get(r.status?.currentPodHash ?? "");
      return (
        preview?.spec.template?.spec?.containers?.[0]?.image === image &&
        preview.status?.availableReplicas === previewPods
      );
    });
  }

  function conditions(r: Rollout): Record<string, KubeCondition> {
    return Object.fromEntries((r.status?.conditions ?? []).map((c) => [c.type, c]));
  }

  beforeAll(async () => {
    w = await startAgentWorld();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("first deploy: active and preview select the first ReplicaSet at once, no pause, Healthy", async () => {
    const r = await deploy("billing", {
      previewReplicaCount: 1,
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 2,
      abortScaleDownDelaySeconds: 1,
    });
    const hash = r.status?.currentPodHash ?? "";
    expect(r.status).toMatchObject({
      phase: "Healthy",
      stableRS: hash,
      blueGreen: { activeSelector: hash, previewSelector: hash },
      selector: `app=billing,${HASH}=${hash}`,
      replicas: 3,
      availableReplicas: 3,
      updatedReplicas: 3,
    });
    expect(r.status?.pauseConditions).toBeUndefined();
    expect(await selectorOf("billing")).toBe(hash);
    expect(await selectorOf("billing-preview")).toBe(hash);
    expect(await podsByHash("billing")).toEqual({ [hash]: 3 });
    const log = await events("billing");
    expect(log).toContain(`Normal RolloutCompleted: Rollout completed update to revision 1 (${hash}): Initial deploy`);
    expect(log).not.toContain("Normal RolloutPaused: Rollout is paused (BlueGreenPause)");
  });

  it("an update waits in preview (previewReplicaCount pods, BlueGreenPause); promote cuts over, old pods go after the delay", async () => {
    const blue = (await w.getRollout(NS, "billing")).status?.stableRS ?? "";
    await setImage("billing", "registry.example/billing:2.0.0");
    const paused = await pausedBeforeCutover("billing", "registry.example/billing:2.0.0", 1);
    const green = paused.status?.currentPodHash ?? "";
    expect(green).not.toBe(blue);
    // The preview Service is on the new hash, the active one still on the old; one preview pod beside three.
    expect(await selectorOf("billing-preview")).toBe(green);
    expect(await selectorOf("billing")).toBe(blue);
    expect(await podsByHash("billing")).toEqual({ [blue]: 3, [green]: 1 });
    expect(paused.status).toMatchObject({
      phase: "Paused",
      message: "BlueGreenPause",
      controllerPause: true,
      stableRS: blue,
      blueGreen: { activeSelector: blue, previewSelector: green },
      // Argo accounts blue-green availability on the active ReplicaSet.
      selector: `app=billing,${HASH}=${blue}`,
      availableReplicas: 3,
      updatedReplicas: 1,
    });
    expect(paused.status?.pauseConditions).toEqual([{ reason: "BlueGreenPause", startTime: expect.any(String) }]);
    expect(conditions(paused).Paused).toMatchObject({ status: "True", reason: "RolloutPaused" });
    expect(conditions(paused).Completed).toMatchObject({ status: "False", reason: "RolloutNotCompleted" });
    // Stays paused: nothing moves without a promote.
    await new Promise((r) => setTimeout(r, 300));
    expect(await selectorOf("billing")).toBe(blue);
    expect((await w.getRollout(NS, "billing")).status?.phase).toBe("Paused");

    // A promote for an older preview is stale; the right one is applied once.
    expect(await run("billing", { type: "promote", expectPodHash: blue })).toMatchObject({ outcome: "REJECTED" });
    expect(await run("billing", { type: "promote", expectPodHash: green })).toMatchObject({ outcome: "APPLIED" });
    const switched = await w.waitForRollout(NS, "billing", "active switched", (r) =>
      Boolean(r.status?.blueGreen?.activeSelector === green && r.status?.stableRS === green),
    );
    const switchedAt = Date.now();
    expect(await selectorOf("billing")).toBe(green);
    // The old ReplicaSet keeps its pods for scaleDownDelaySeconds, marked with its deadline (the round after the
    // switch, as Argo does it).
    await w.waitForRollout(NS, "billing", "old ReplicaSet marked", async () =>
      Boolean((await rsByHash("billing")).get(blue)?.metadata.annotations?.["scale-down-deadline"]),
    );
    const oldRS = (await rsByHash("billing")).get(blue);
    expect(oldRS?.spec.replicas).toBe(3);
    const deadline = Date.parse(oldRS?.metadata.annotations?.["scale-down-deadline"] ?? "");
    // now + 2 s at the marking round, in whole seconds.
    expect(deadline).toBeGreaterThanOrEqual(switchedAt - 1500);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 2000);
    expect(switched.status?.phase).toBe("Healthy");
    expect(switched.status?.replicas).toBe(6);

    const settled = await w.waitForRollout(
      NS,
      "billing",
      "old pods gone",
      async (r) => r.status?.replicas === 3 && (await rsByHash("billing")).get(blue)?.spec.replicas === 0,
    );
    // Scaled down no earlier than its deadline (whole seconds, so compare with the second it names).
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(settled.status).toEqual(
      expect.objectContaining({
        phase: "Healthy",
        stableRS: green,
        currentPodHash: green,
        blueGreen: { activeSelector: green, previewSelector: green },
        selector: `app=billing,${HASH}=${green}`,
        HPAReplicas: 3,
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        updatedReplicas: 3,
      }),
    );
    expect(settled.status?.controllerPause).toBeUndefined();
    expect(settled.status?.pauseConditions).toBeUndefined();
    expect(conditions(settled)).toMatchObject({
      Available: { status: "True", reason: "AvailableReason" },
      Healthy: { status: "True", reason: "RolloutHealthy" },
      Completed: { status: "True", reason: "RolloutCompleted" },
      Progressing: { status: "True", reason: "NewReplicaSetAvailable" },
      Paused: { status: "False", reason: "RolloutResumed" },
    });
    expect((await rsByHash("billing")).get(blue)?.metadata.annotations?.["scale-down-deadline"]).toBeDefined();
    await w.waitForRollout(NS, "billing", "only new pods run", async () => {
      const pods = await podsByHash("billing");
      return pods[green] === 3 && Object.keys(pods).length === 1;
    });

    const log = await events("billing");
    const at = (m: string) => log.indexOf(m);
    expect(log).toContain("Normal RolloutUpdated: Rollout updated to revision 2");
    // Actions and transitions in Argo's order.
    const order = [
      `Normal SwitchService: Switched selector for service 'billing-preview' from '${blue}' to '${green}'`,
      `Normal ScalingReplicaSet: Scaled up ReplicaSet billing-${green} (revision 2) from 0 to 1`,
      "Normal RolloutPaused: Rollout is paused (BlueGreenPause)",
      `Normal ScalingReplicaSet: Scaled up ReplicaSet billing-${green} (revision 2) from 1 to 3`,
      `Normal SwitchService: Switched selector for service 'billing' from '${blue}' to '${green}'`,
      `Normal RolloutCompleted: Rollout completed update to revision 2 (${green}): Completed blue-green update`,
      `Normal ScalingReplicaSet: Scaled down ReplicaSet billing-${blue} (revision 1) from 3 to 0`,
    ];
    for (const m of order) expect(log, m).toContain(m);
    expect(order.map(at)).toEqual([...order.map(at)].sort((a, b) => a - b));
  });

  it("abort keeps the active Service on stable and scales the preview down after abortScaleDownDelaySeconds; retry pauses again", async () => {
    const stable = (await w.getRollout(NS, "billing")).status?.stableRS ?? "";
    await setImage("billing", "registry.example/billing:3.0.0");
    const paused = await pausedBeforeCutover("billing", "registry.example/billing:3.0.0", 1);
    const preview = paused.status?.currentPodHash ?? "";
    expect(await run("billing", { type: "abort", expectPodHash: preview })).toMatchObject({ outcome: "APPLIED" });

    const aborted = await w.waitForRollout(NS, "billing", "aborted", (r) => r.status?.phase === "Degraded");
    expect(aborted.status?.message).toBe("RolloutAborted: Rollout aborted update to revision 3");
    expect(aborted.status?.abort).toBe(true);
    expect(aborted.status?.abortedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(aborted.status?.stableRS).toBe(stable);
    expect(aborted.status?.blueGreen?.activeSelector).toBe(stable);
    expect(await selectorOf("billing")).toBe(stable);
    expect(conditions(aborted).Progressing).toMatchObject({ status: "False", reason: "RolloutAborted" });

    // The preview keeps its pod until its abort deadline passes, then goes to zero.
    const marked = await w.waitForRollout(NS, "billing", "preview marked for scale-down", async () =>
      Boolean((await rsByHash("billing")).get(preview)?.metadata.annotations?.["scale-down-deadline"]),
    );
    expect(marked.status?.phase).toBe("Degraded");
    const deadline = Date.parse(
      (await rsByHash("billing")).get(preview)?.metadata.annotations?.["scale-down-deadline"] ?? "",
    );
    await w.waitForRollout(
      NS,
      "billing",
      "preview scaled down",
      async () => (await rsByHash("billing")).get(preview)?.spec.replicas === 0,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(await selectorOf("billing")).toBe(stable);
    await w.waitForRollout(NS, "billing", "preview pod gone", async () => {
      const pods = await podsByHash("billing");
      return pods[stable] === 3 && Object.keys(pods).length === 1;
    });
    expect(await events("billing")).toContain("Warning RolloutAborted: Rollout aborted update to revision 3");

    // Retry clears the abort: the preview comes back and the Rollout pauses before cutover again.
    expect(await run("billing", { type: "retry" })).toMatchObject({ outcome: "APPLIED" });
    const again = await pausedBeforeCutover("billing", "registry.example/billing:3.0.0", 1);
    expect(again.status?.abort).toBeUndefined();
    expect(again.status?.currentPodHash).toBe(preview);
    expect(await selectorOf("billing")).toBe(stable);
    expect((await rsByHash("billing")).get(preview)?.metadata.annotations?.["scale-down-deadline"]).toBeUndefined();
  });

  it("a new revision supersedes the waiting preview; promote-full skips the pause", async () => {
    const before = await w.getRollout(NS, "billing");
    const stable = before.status?.stableRS ?? "";
    const superseded = before.status?.currentPodHash ?? "";
    await setImage("billing", "registry.example/billing:3.1.0");
    const paused = await pausedBeforeCutover("billing", "registry.example/billing:3.1.0", 1);
    const latest = paused.status?.currentPodHash ?? "";
    expect(latest).not.toBe(superseded);
    expect(await selectorOf("billing-preview")).toBe(latest);
    expect(await selectorOf("billing")).toBe(stable);
    // The superseded preview is nobody's any more: it goes after the scale-down delay.
    await w.waitForRollout(
      NS,
      "billing",
      "superseded preview scaled down",
      async () => (await rsByHash("billing")).get(superseded)?.spec.replicas === 0,
    );

    // As Argo's scaleDownDelayHelper does, a ReplicaSet waiting out its deadline is held at spec.replicas.
    const log = await events("billing");
    const rev = (await rsByHash("billing")).get(superseded)?.metadata.annotations?.["rollout.argoproj.io/revision"];
    expect(log).toContain(
      `Normal ScalingReplicaSet: Scaled up ReplicaSet billing-${superseded} (revision ${rev}) from 1 to 3`,
    );
    expect(log.at(-1)).toBe(
      `Normal ScalingReplicaSet: Scaled down ReplicaSet billing-${superseded} (revision ${rev}) from 3 to 0`,
    );
    expect(await run("billing", { type: "promote-full", expectPodHash: latest })).toMatchObject({ outcome: "APPLIED" });
    const done = await w.waitForRollout(
      NS,
      "billing",
      "promoted in full",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === latest,
    );
    expect(done.status?.promoteFull).toBeUndefined();
    expect(await selectorOf("billing")).toBe(latest);
  });

  it("autoPromotionSeconds cuts over by itself once the pause has lasted that long", async () => {
    const first = await deploy("invoices", { autoPromotionSeconds: 2, scaleDownDelaySeconds: 1 });
    const blue = first.status?.stableRS ?? "";
    await setImage("invoices", "registry.example/invoices:2.0.0");
    const paused = await pausedBeforeCutover("invoices", "registry.example/invoices:2.0.0", 3);
    const green = paused.status?.currentPodHash ?? "";
    const startedAt = Date.parse(paused.status?.pauseConditions?.[0]?.startTime ?? "");
    expect(await selectorOf("invoices")).toBe(blue);
    const done = await w.waitForRollout(
      NS,
      "invoices",
      "auto-promoted",
      (r) => r.status?.phase === "Healthy" && r.status?.blueGreen?.activeSelector === green,
    );
    // Not before the pause's start + autoPromotionSeconds (start time is whole seconds, rounded down).
    expect(Date.now()).toBeGreaterThanOrEqual(startedAt + 2000);
    expect(done.status?.stableRS).toBe(green);
    expect(done.status?.pauseConditions).toBeUndefined();
    expect(await selectorOf("invoices")).toBe(green);
    expect(await events("invoices")).toContain(
      `Normal RolloutCompleted: Rollout completed update to revision 2 (${green}): Completed blue-green update`,
    );
  });

  it("spec.paused holds the preview where it is until resumed", async () => {
    const blue = (await w.getRollout(NS, "invoices")).status?.stableRS ?? "";
    expect(await run("invoices", { type: "pause" })).toMatchObject({ outcome: "APPLIED" });
    await setImage("invoices", "registry.example/invoices:3.0.0");
    const held = await w.waitForRollout(
      NS,
      "invoices",
      "manually paused on the new template",
      (r) =>
        r.status?.phase === "Paused" && r.status?.message === "manually paused" && r.status?.currentPodHash !== blue,
    );
    await new Promise((r) => setTimeout(r, 300));
    // A user pause halts Service moves: the preview is not switched to the new hash.
    expect(await selectorOf("invoices-preview")).toBe(blue);
    expect(await selectorOf("invoices")).toBe(blue);
    expect(await run("invoices", { type: "resume" })).toMatchObject({ outcome: "APPLIED" });
    await w.waitForRollout(
      NS,
      "invoices",
      "cut over after resume",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === held.status?.currentPodHash,
    );
    expect(await selectorOf("invoices-preview")).toBe(held.status?.currentPodHash);
  });

  it("a restarted agent takes over a paused preview: a lost pause event comes back once, promote still works", async () => {
    await deploy("payroll", { autoPromotionEnabled: false, scaleDownDelaySeconds: 1 });
    await setImage("payroll", "registry.example/payroll:2.0.0");
    const paused = await pausedBeforeCutover("payroll", "registry.example/payroll:2.0.0", 3);
    const green = paused.status?.currentPodHash ?? "";
    const pauseEvent = "Normal RolloutPaused: Rollout is paused (BlueGreenPause)";
    const countPauses = async () => (await events("payroll")).filter((m) => m === pauseEvent).length;
    expect(await countPauses()).toBe(1);
    // As if the previous process had died between writing the pause and recording its event.
    await w.agent.stop();
    await w.client.delete(resourcePath(builtins.events, NS, `payroll.paused-${green}-bluegreen`));
    expect(await countPauses()).toBe(0);
    await w.startAgent();
    // The new process re-records the pause because it is missing, exactly once.
    await w.waitForRollout(NS, "payroll", "pause event re-recorded", async () => (await countPauses()) === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await countPauses()).toBe(1);
    const again = await w.getRollout(NS, "payroll");
    expect(again.status?.pauseConditions).toEqual(paused.status?.pauseConditions);
    expect(await run("payroll", { type: "promote", expectPodHash: green })).toMatchObject({ outcome: "APPLIED" });
    await w.waitForRollout(
      NS,
      "payroll",
      "promoted",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === green,
    );
    expect(await selectorOf("payroll")).toBe(green);
  });

  it("prePromotionAnalysis (not run yet) holds the update before cutover: active service cutover pending", async () => {
    const first = await deploy("audit", { prePromotionAnalysis: { templates: [{ templateName: "success-rate" }] } });
    const blue = first.status?.stableRS ?? "";
    await setImage("audit", "registry.example/audit:2.0.0");
    const held = await w.waitForRollout(NS, "audit", "preview up, held", async (r) => {
      const green = r.status?.currentPodHash ?? "";
      return green !== blue && (await rsByHash("audit")).get(green)?.status?.availableReplicas === 3;
    });
    await new Promise((r) => setTimeout(r, 300));
    const still = await w.getRollout(NS, "audit");
    expect(still.status).toMatchObject({
      phase: "Progressing",
      message: "active service cutover pending",
      stableRS: blue,
      blueGreen: { activeSelector: blue, previewSelector: held.status?.currentPodHash },
    });
    expect(still.status?.pauseConditions).toBeUndefined();
    expect(await selectorOf("audit")).toBe(blue);
  });
});
