import type { Rollout } from "@bellwether/core";
import { type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agent/src/controller/agent.ts";
import { KubeClient } from "../../agent/src/kube/kube-client.ts";
import { argoKinds, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { agentCrds } from "../support/agent-harness.ts";
import { eventually } from "../support/eventually.ts";

function rollout(name: string, labels: Record<string, string> = {}, apiVersion = "argoproj.io/v1alpha1"): Rollout {
  return {
    apiVersion,
    kind: "Rollout",
    metadata: { name, namespace: "default", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "app:1" }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
    },
  };
}

describe("agent options: API group, instance id, metrics and health", () => {
  let sim: KubeSim;
  let client: KubeClient;
  const agents: Agent[] = [];

  beforeAll(async () => {
    sim = await startKubeSim({ clusters: ["eu-1"] });
    client = new KubeClient(sim.kubeConfig("eu-1"));
    // The same CRDs twice: under argoproj.io and under a custom group, as a migration between controllers would have.
    for (const group of ["argoproj.io", "rollouts.example.com"]) {
      for (const crd of agentCrds()) {
        const c = structuredClone(crd) as { metadata: { name: string }; spec: { group: string } };
        c.metadata.name = c.metadata.name.replace("argoproj.io", group);
        c.spec.group = group;
        await client.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", c);
      }
    }
    await eventually(
      async () => (await client.get(resourcePath(argoKinds("rollouts.example.com").rollouts, "default"))) !== undefined,
      "custom group served",
    );
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await sim?.stop();
  });

  const start = async (opts: Partial<ConstructorParameters<typeof Agent>[0]>) => {
    const agent = new Agent({ kubeConfig: sim.kubeConfig("eu-1"), logger: pino({ level: "silent" }), ...opts });
    agents.push(agent);
    await agent.start();
    await agent.ready();
    return agent;
  };

  it("shards by controller-instance-id: each agent reconciles only its own Rollouts", async () => {
    await start({ instanceId: "blue" });
    const rollouts = argoKinds().rollouts;
    await client.create(
      resourcePath(rollouts, "default"),
      rollout("mine", { "argo-rollouts.argoproj.io/controller-instance-id": "blue" }),
    );
    await client.create(
      resourcePath(rollouts, "default"),
      rollout("theirs", { "argo-rollouts.argoproj.io/controller-instance-id": "green" }),
    );
    await client.create(resourcePath(rollouts, "default"), rollout("unlabelled"));
    await eventually(
      async () => (await client.get<Rollout>(resourcePath(rollouts, "default", "mine"))).status?.phase === "Healthy",
      "mine healthy",
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await client.get<Rollout>(resourcePath(rollouts, "default", "theirs"))).status).toBeUndefined();
    expect((await client.get<Rollout>(resourcePath(rollouts, "default", "unlabelled"))).status).toBeUndefined();
  });

  it("serves Rollouts of a configured API group", async () => {
    const agent = await start({ apiGroup: "rollouts.example.com" });
    const kind = argoKinds("rollouts.example.com").rollouts;
    await client.create(resourcePath(kind, "default"), rollout("grouped", {}, "rollouts.example.com/v1alpha1"));
    const r = await eventually(async () => {
      const got = await client.get<Rollout>(resourcePath(kind, "default", "grouped"));
      return got.status?.phase === "Healthy" ? got : undefined;
    }, "grouped healthy");
    const rs = await client.get<{ items: Array<{ metadata: { ownerReferences: Array<{ apiVersion: string }> } }> }>(
      "/apis/apps/v1/namespaces/default/replicasets",
      { labelSelector: `rollouts-pod-template-hash=${r.status?.currentPodHash}` },
    );
    expect(rs.items[0]?.metadata.ownerReferences[0]?.apiVersion).toBe("rollouts.example.com/v1alpha1");
    expect(agent.kinds.rollouts.group).toBe("rollouts.example.com");
  });

  it("exposes Argo-named metrics on /metrics and its health on /healthz", async () => {
    const agent = await start({ metricsAddress: "127.0.0.1:0", instanceId: "metrics" });
    await client.create(
      resourcePath(argoKinds().rollouts, "default"),
      rollout("measured", { "argo-rollouts.argoproj.io/controller-instance-id": "metrics" }),
    );
    const base = `http://127.0.0.1:${agent.metricsPort}`;
    const text = await eventually(async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return t.includes(
        'rollout_info{namespace="default",name="measured",strategy="canary",traffic_router="",phase="Healthy"} 1',
      )
        ? t
        : undefined;
    }, "rollout_info for the measured rollout");
    for (const name of [
      "rollout_phase",
      "rollout_reconcile_bucket",
      "controller_clientset_k8s_request_total",
      "rollout_events_total",
      "argo_rollouts_controller_info",
    ]) {
      expect(text).toContain(name);
    }
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { ok: boolean; informers: Array<{ synced: boolean }> };
    expect(body.ok).toBe(true);
    expect(body.informers.every((i) => i.synced)).toBe(true);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("turns an invalid spec into Degraded with an InvalidSpec message naming the field, and keeps working", async () => {
    await start({ instanceId: "strict" });
    const rollouts = argoKinds().rollouts;
    const bad = rollout("bad", { "argo-rollouts.argoproj.io/controller-instance-id": "strict" });
    bad.spec.strategy = { canary: { steps: [{ setWeight: 150 }] } };
    await client.create(resourcePath(rollouts, "default"), bad);
    const worse = rollout("worse", { "argo-rollouts.argoproj.io/controller-instance-id": "strict" });
    worse.spec.selector = { matchLabels: { app: "other" } };
    await client.create(resourcePath(rollouts, "default"), worse);
    const degraded = await eventually(async () => {
      const r = await client.get<Rollout>(resourcePath(rollouts, "default", "bad"));
      return r.status?.phase === "Degraded" ? r : undefined;
    }, "bad degraded");
    expect(degraded.status?.message).toMatch(
      /^InvalidSpec: .*spec\.strategy\.canary\.steps\[0\]\.setWeight.*between 0 and 100/,
    );
    const invalid = degraded.status?.conditions?.find((c) => c.type === "InvalidSpec");
    expect(invalid).toMatchObject({ status: "True", reason: "InvalidSpec" });
    const selector = await eventually(async () => {
      const r = await client.get<Rollout>(resourcePath(rollouts, "default", "worse"));
      return r.status?.phase === "Degraded" ? r : undefined;
    }, "worse degraded");
    expect(selector.status?.message).toMatch(/selector/);
    // A Rollout with no spec at all (a broken manifest) is Degraded too, not a crash loop.
    await client.create(resourcePath(rollouts, "default"), {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: {
        name: "empty",
        namespace: "default",
        labels: { "argo-rollouts.argoproj.io/controller-instance-id": "strict" },
      },
    });
    const empty = await eventually(async () => {
      const r = await client.get<Rollout>(resourcePath(rollouts, "default", "empty"));
      return r.status?.phase === "Degraded" ? r : undefined;
    }, "empty degraded");
    expect(empty.status?.message).toMatch(/^InvalidSpec: /);
    // No ReplicaSet was made for an invalid Rollout; fixing it makes it healthy.
    await client.patch(resourcePath(rollouts, "default", "bad"), {
      spec: { strategy: { canary: { steps: [{ setWeight: 50 }] } } },
    });
    const fixed = await eventually(async () => {
      const r = await client.get<Rollout>(resourcePath(rollouts, "default", "bad"));
      return r.status?.phase === "Healthy" ? r : undefined;
    }, "bad fixed and healthy");
    expect(fixed.status?.conditions?.some((c) => c.type === "InvalidSpec")).toBe(false);
  });
});
