import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import { recordChanges, SIM, startSimWithControllers, until, versionReplicaSet } from "./controllers-support.ts";

let sim: KubeSim;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let batch: k8s.BatchV1Api;

beforeAll(async () => {
  sim = await startSimWithControllers({ clusters: ["eu-1", { name: "bare", controllers: false }] });
  const kc = sim.kubeConfig("eu-1");
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  batch = kc.makeApiClient(k8s.BatchV1Api);
});

afterAll(async () => {
  await sim.stop();
});

async function namespace(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

const podsOf = async (ns: string, selector: string) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items;

const isReady = (p: k8s.V1Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe("ReplicaSet controller", () => {
  it("creates named, labelled, owned pods that become Ready after the declared delay, with exact status", async () => {
    const ns = await namespace("rs-up");
    const changes = recordChanges(sim, "eu-1", "pods");
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("web-6b7f9", "web", "6b7f9", 3, { [`${SIM}/ready-delay-ms`]: "300" }) as k8s.V1ReplicaSet,
    });
    const running = await until(async () => {
      const pods = await podsOf(ns, "app=web");
      return pods.length === 3 && pods.every((p) => p.status?.phase === "Running" && p.status.podIP) && pods;
    }, "three running pods");
    for (const pod of running) {
      expect(pod.metadata?.name).toMatch(/^web-6b7f9-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata?.labels).toEqual({ app: "web", "rollouts-pod-template-hash": "6b7f9" });
      expect(pod.metadata?.annotations).toEqual({ [`${SIM}/ready-delay-ms`]: "300" });
      expect(pod.metadata?.ownerReferences).toEqual([
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web-6b7f9",
          uid: rs.metadata?.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect(new Set(running.map((p) => p.status?.podIP)).size).toBe(3);
    const status = await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "web-6b7f9" })).status;
      return s?.availableReplicas === 3 && s;
    }, "three available replicas");
    expect(status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    changes.stop();
    // Each pod went Running (not ready) first and Ready no sooner than the declared 300 ms later.
    for (const pod of running) {
      const mine = changes.events.filter((e) => e.object.metadata.uid === pod.metadata?.uid);
      const ready = (o: unknown) =>
        ((o as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).some(
          (c) => c.type === "Ready" && c.status === "True",
        );
      const startedAt = mine.findIndex((e) => (e.object.status as { phase?: string })?.phase === "Running");
      const readyAt = mine.findIndex((e) => ready(e.object));
      expect(startedAt).toBeGreaterThan(0);
      expect(readyAt).toBeGreaterThan(startedAt);
    }
  });

  it("waits the declared delay before Ready (measured on the change feed)", async () => {
    const ns = await namespace("rs-delay");
    const seen = new Map<string, { running?: number; ready?: number }>();
    const stop = sim.cluster("eu-1").onChange("pods", (ev) => {
      if (ev.object.metadata.namespace !== ns) return;
      const entry = seen.get(ev.object.metadata.uid ?? "") ?? {};
      const status = ev.object.status as { phase?: string; conditions?: { type: string; status: string }[] };
      if (status?.phase === "Running") entry.running ??= performance.now();
      if (status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) entry.ready ??= performance.now();
      seen.set(ev.object.metadata.uid ?? "", entry);
    });
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("slow", "slow", "aaaa1", 2, { [`${SIM}/ready-delay-ms`]: "400" }) as k8s.V1ReplicaSet,
    });
    await until(() => seen.size === 2 && [...seen.values()].every((s) => s.ready !== undefined), "two ready pods");
    stop();
    // The kubelet starts the clock as it begins the pod, a moment before its Running write commits; allow for
    // that moment (a GC pause on a loaded machine), but Ready must not come anywhere near early.
    for (const s of seen.values()) expect((s.ready ?? 0) - (s.running ?? 0)).toBeGreaterThanOrEqual(350);
  });

  it("counts availableReplicas only after minReadySeconds, and leaves never-ready pods unavailable", async () => {
    const ns = await namespace("rs-avail");
    const rsEvents = recordChanges(sim, "eu-1", "replicasets.apps");
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet(
        "slowstart",
        "a",
        "h1",
        2,
        { [`${SIM}/ready-delay-ms`]: "0" },
        {
          minReadySeconds: 1,
        },
      ) as k8s.V1ReplicaSet,
    });
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("broken", "b", "h2", 3, { [`${SIM}/never-ready`]: "true" }) as k8s.V1ReplicaSet,
    });
    await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "slowstart" })).status;
      return s?.availableReplicas === 2;
    }, "slowstart available");
    rsEvents.stop();
    const statuses = rsEvents.events
      .filter((e) => e.object.metadata.name === "slowstart")
      .map((e) => e.object.status as { readyReplicas?: number; availableReplicas?: number });
    // Ready came first, availability a second later: a status with 2 ready and none available was written.
    expect(statuses).toContainEqual(expect.objectContaining({ readyReplicas: 2 }));
    expect(statuses.some((s) => s.readyReplicas === 2 && s.availableReplicas === undefined)).toBe(true);
    const broken = await apps.readNamespacedReplicaSet({ namespace: ns, name: "broken" });
    expect(broken.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const pods = await podsOf(ns, "app=b");
    expect(pods.map((p) => p.status?.phase)).toEqual(["Running", "Running", "Running"]);
    expect(pods.some(isReady)).toBe(false);
  });

  it("scales up through the scale subresource and down by removing not-ready, newest pods first", async () => {
    const ns = await namespace("rs-scale");
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("s", "s", "h", 2, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
    });
    const first = await until(async () => {
      const pods = await podsOf(ns, "app=s");
      return pods.length === 2 && pods.every(isReady) && pods;
    }, "two ready pods");
    // New pods from here on take a minute to get Ready, so they are the not-ready ones when scaling down.
    await apps.patchNamespacedReplicaSet(
      {
        namespace: ns,
        name: "s",
        body: { spec: { template: { metadata: { annotations: { [`${SIM}/ready-delay-ms`]: "60000" } } } } },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await apps.replaceNamespacedReplicaSetScale({
      namespace: ns,
      name: "s",
      body: { metadata: { name: "s", namespace: ns }, spec: { replicas: 5 } },
    });
    await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "s" })).status;
      return s?.replicas === 5 && s.readyReplicas === 2 && s.observedGeneration === 3;
    }, "five replicas, two ready");
    await apps.replaceNamespacedReplicaSetScale({
      namespace: ns,
      name: "s",
      body: { metadata: { name: "s", namespace: ns }, spec: { replicas: 2 } },
    });
    const left = await until(async () => {
      const pods = await podsOf(ns, "app=s");
      return pods.length === 2 && pods;
    }, "two pods left");
    expect(left.map((p) => p.metadata?.uid).sort()).toEqual(first.map((p) => p.metadata?.uid).sort());
    const status = await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "s" })).status;
      return s?.replicas === 2 && s;
    }, "status back to two");
    expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it("takes readiness away from a running pod annotated never-ready, and gives it back", async () => {
    const ns = await namespace("rs-flap");
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("flap", "flap", "h", 2, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
    });
    const [victim] = await until(async () => {
      const pods = await podsOf(ns, "app=flap");
      return pods.length === 2 && pods.every(isReady) && pods;
    }, "two ready pods");
    const annotate = (value: string) =>
      core.patchNamespacedPod(
        {
          namespace: ns,
          name: victim?.metadata?.name ?? "",
          body: { metadata: { annotations: { [`${SIM}/never-ready`]: value } } },
        },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
    await annotate("true");
    const degraded = await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "flap" })).status;
      return s?.readyReplicas === 1 && s;
    }, "one ready replica");
    expect(degraded).toMatchObject({ replicas: 2, availableReplicas: 1 });
    const pod = await core.readNamespacedPod({ namespace: ns, name: victim?.metadata?.name ?? "" });
    expect(pod.status?.phase).toBe("Running");
    expect(pod.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
    });
    await annotate("false");
    await until(async () => {
      const s = (await apps.readNamespacedReplicaSet({ namespace: ns, name: "flap" })).status;
      return s?.readyReplicas === 2 && s.availableReplicas === 2;
    }, "both ready again");
  });

  it("adopts orphan pods its selector matches and releases pods relabelled out of it", async () => {
    const ns = await namespace("rs-claim");
    const labels = { app: "claim", "rollouts-pod-template-hash": "h" };
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: "stray", labels }, spec: { containers: [{ name: "app", image: "claim:1" }] } },
    });
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("claim", "claim", "h", 1, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
    });
    const adopted = await until(async () => {
      const pod = await core.readNamespacedPod({ namespace: ns, name: "stray" });
      return pod.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid && pod;
    }, "the stray pod adopted");
    expect(adopted.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "claim",
        uid: rs.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    // Adopted, it is run like any other pod of the ReplicaSet, and no second pod was needed.
    await until(async () => isReady(await core.readNamespacedPod({ namespace: ns, name: "stray" })), "stray pod ready");
    expect((await podsOf(ns, "app=claim")).map((p) => p.metadata?.name)).toEqual(["stray"]);

    await core.patchNamespacedPod(
      { namespace: ns, name: "stray", body: { metadata: { labels: { app: "debug" } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    const replacement = await until(async () => {
      const pods = await podsOf(ns, "app=claim");
      return pods.length === 1 && pods[0]?.metadata?.name !== "stray" && pods[0];
    }, "a replacement pod");
    expect(replacement.metadata?.name).toMatch(/^claim-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    await until(async () => {
      const pod = await core.readNamespacedPod({ namespace: ns, name: "stray" });
      return pod.metadata?.ownerReferences === undefined;
    }, "the relabelled pod released");
  });

  it("leaves a cluster switched to a bare API server alone", async () => {
    const kc = sim.kubeConfig("bare");
    const bareApps = kc.makeApiClient(k8s.AppsV1Api);
    const bareCore = kc.makeApiClient(k8s.CoreV1Api);
    await bareApps.createNamespacedReplicaSet({
      namespace: "default",
      body: versionReplicaSet("idle", "idle", "h", 3) as k8s.V1ReplicaSet,
    });
    // Prove the emulator has had time to act: a controller-run cluster gets pods for the same manifest.
    await apps.createNamespacedReplicaSet({
      namespace: "default",
      body: versionReplicaSet("busy", "busy", "h", 1) as k8s.V1ReplicaSet,
    });
    await until(async () => (await podsOf("default", "app=busy")).length === 1, "a pod in the controlled cluster");
    expect(sim.controllers("bare")).toBeUndefined();
    expect((await bareCore.listNamespacedPod({ namespace: "default" })).items).toEqual([]);
    const rs = await bareApps.readNamespacedReplicaSet({ namespace: "default", name: "idle" });
    expect(rs.status).toEqual({ replicas: 0 });
  });
});

describe("Deployment controller", () => {
  const deployment = (name: string, image: string, replicas: number): k8s.V1Deployment => ({
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: name }, annotations: { [`${SIM}/ready-delay-ms`]: "50" } },
        spec: { containers: [{ name: "app", image }] },
      },
    },
  });

  it("rolls ReplicaSets with pod-template-hash, scales to zero, and deleting it removes ReplicaSets and pods", async () => {
    const ns = await namespace("deploy");
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("api", "api:1", 3) });
    const firstRs = await until(async () => {
      const list = (await apps.listNamespacedReplicaSet({ namespace: ns })).items;
      return list.length === 1 && list[0]!.status?.availableReplicas === 3 && list[0]!;
    }, "first ReplicaSet available");
    const hash = firstRs.metadata?.labels?.["pod-template-hash"] ?? "";
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(firstRs.metadata?.name).toBe(`api-${hash}`);
    expect(firstRs.spec?.selector.matchLabels).toEqual({ app: "api", "pod-template-hash": hash });
    expect(firstRs.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(firstRs.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "api", controller: true });
    const pods = await podsOf(ns, "app=api");
    expect(pods.every((p) => p.metadata?.name?.startsWith(`api-${hash}-`))).toBe(true);
    const d1 = await until(async () => {
      const d = await apps.readNamespacedDeployment({ namespace: ns, name: "api" });
      return d.status?.availableReplicas === 3 && d;
    }, "deployment available");
    expect(d1.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3 });
    expect(d1.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ]);

    await apps.patchNamespacedDeployment(
      {
        namespace: ns,
        name: "api",
        body: { spec: { template: { spec: { containers: [{ name: "app", image: "api:2" }] } } } },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch),
    );
    const rolled = await until(async () => {
      const list = (await apps.listNamespacedReplicaSet({ namespace: ns })).items;
      const next = list.find((rs) => rs.metadata?.name !== firstRs.metadata?.name);
      const old = list.find((rs) => rs.metadata?.name === firstRs.metadata?.name);
      return next?.status?.availableReplicas === 3 && old?.spec?.replicas === 0 && old.status?.replicas === 0 && next;
    }, "rolled to the second ReplicaSet");
    expect(rolled.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect((await podsOf(ns, "app=api")).map((p) => p.spec?.containers[0]?.image)).toEqual(["api:2", "api:2", "api:2"]);

    // What Argo's workloadRef does to the referenced Deployment.
    await apps.patchNamespacedDeploymentScale(
      { namespace: ns, name: "api", body: { spec: { replicas: 0 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await until(async () => (await podsOf(ns, "app=api")).length === 0, "no pods after scaling to zero");
    expect(
      (await apps.readNamespacedReplicaSet({ namespace: ns, name: rolled.metadata?.name ?? "" })).spec?.replicas,
    ).toBe(0);

    await apps.patchNamespacedDeploymentScale(
      { namespace: ns, name: "api", body: { spec: { replicas: 2 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await until(async () => (await podsOf(ns, "app=api")).length === 2, "two pods again");
    await apps.deleteNamespacedDeployment({ namespace: ns, name: "api" });
    await until(
      async () =>
        (await apps.listNamespacedReplicaSet({ namespace: ns })).items.length === 0 &&
        (await podsOf(ns, "app=api")).length === 0,
      "ReplicaSets and pods collected",
    );
  });
});

describe("Deployment strategies and collisions", () => {
  it("Recreate removes every old pod before starting new ones", async () => {
    const ns = await namespace("deploy-recreate");
    const body = (image: string): k8s.V1Deployment => ({
      metadata: { name: "db" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "db" } },
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: { app: "db" }, annotations: { [`${SIM}/ready-delay-ms`]: "50" } },
          spec: { containers: [{ name: "db", image }] },
        },
      },
    });
    await apps.createNamespacedDeployment({ namespace: ns, body: body("db:1") });
    await until(async () => {
      const d = await apps.readNamespacedDeployment({ namespace: ns, name: "db" });
      return d.status?.availableReplicas === 2;
    }, "first version available");
    const images: string[][] = [];
    const stop = sim.cluster("eu-1").onChange("pods", (ev) => {
      if (ev.object.metadata.namespace !== ns) return;
      const live = [...sim.cluster("eu-1").store.list("pods", ns)];
      images.push(live.map((p) => String((p.spec as { containers: { image: string }[] }).containers[0]?.image)));
    });
    await apps.replaceNamespacedDeployment({ namespace: ns, name: "db", body: body("db:2") });
    await until(async () => {
      const d = await apps.readNamespacedDeployment({ namespace: ns, name: "db" });
      return d.status?.availableReplicas === 2 && d.status.updatedReplicas === 2 && d.status.replicas === 2;
    }, "second version available");
    stop();
    // Never both versions at once.
    expect(images.some((set) => set.includes("db:1") && set.includes("db:2"))).toBe(false);
    expect(images.at(-1)).toEqual(["db:2", "db:2"]);
  });

  it("bumps collisionCount when a foreign ReplicaSet holds the hashed name", async () => {
    const template = { metadata: { labels: { app: "c" } }, spec: { containers: [{ name: "c", image: "c:1" }] } };
    const deployment: k8s.V1Deployment = {
      metadata: { name: "c" },
      spec: { replicas: 1, selector: { matchLabels: { app: "c" } }, template },
    };
    // The hash depends on the template only, so a first namespace tells which name the Deployment will want.
    const probe = await namespace("deploy-probe");
    await apps.createNamespacedDeployment({ namespace: probe, body: deployment });
    const wanted = await until(
      async () => (await apps.listNamespacedReplicaSet({ namespace: probe })).items[0]?.metadata?.name,
      "the probe ReplicaSet",
    );
    const ns = await namespace("deploy-collide");
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet(wanted, "someone-else", "x", 0) as k8s.V1ReplicaSet,
    });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment });
    const d = await until(async () => {
      const x = await apps.readNamespacedDeployment({ namespace: ns, name: "c" });
      return x.status?.availableReplicas === 1 && x;
    }, "the Deployment available despite the clash");
    expect(d.status?.collisionCount).toBe(1);
    const owned = (await apps.listNamespacedReplicaSet({ namespace: ns })).items.filter(
      (rs) => rs.metadata?.ownerReferences?.[0]?.name === "c",
    );
    expect(owned).toHaveLength(1);
    expect(owned[0]?.metadata?.name).not.toBe(wanted);
    expect(owned[0]?.metadata?.name).toBe(`c-${owned[0]?.metadata?.labels?.["pod-template-hash"]}`);
  });
});

describe("Job controller", () => {
  const job = (name: string, annotations: Record<string, string>, backoffLimit: number): k8s.V1Job => ({
    metadata: { name },
    spec: {
      backoffLimit,
      template: {
        metadata: { annotations },
        spec: { restartPolicy: "Never", containers: [{ name: "check", image: "busybox" }] },
      },
    },
  });

  it("fails a Job marked to fail once the backoff limit is passed, and completes the others", async () => {
    const ns = await namespace("jobs");
    await batch.createNamespacedJob({
      namespace: ns,
      body: job("bad", { [`${SIM}/job-result`]: "fail", [`${SIM}/job-duration-ms`]: "50" }, 1),
    });
    await batch.createNamespacedJob({ namespace: ns, body: job("good", { [`${SIM}/job-duration-ms`]: "50" }, 0) });
    const bad = await until(async () => {
      const j = await batch.readNamespacedJob({ namespace: ns, name: "bad" });
      return j.status?.conditions?.some((c) => c.type === "Failed") && j;
    }, "bad job failed");
    expect(bad.status?.failed).toBe(2);
    expect(bad.status?.succeeded).toBeUndefined();
    expect(bad.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["FailureTarget", "True", "BackoffLimitExceeded"],
      ["Failed", "True", "BackoffLimitExceeded"],
    ]);
    const badPods = await podsOf(ns, "job-name=bad");
    expect(badPods.map((p) => p.status?.phase)).toEqual(["Failed", "Failed"]);
    expect(badPods[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);

    const good = await until(async () => {
      const j = await batch.readNamespacedJob({ namespace: ns, name: "good" });
      return j.status?.conditions?.some((c) => c.type === "Complete") && j;
    }, "good job complete");
    expect(good.status).toMatchObject({ succeeded: 1 });
    expect(good.status?.completionTime).toBeTruthy();
    expect(good.status?.failed).toBeUndefined();
    expect(good.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["SuccessCriteriaMet", "True", "CompletionsReached"],
      ["Complete", "True", "CompletionsReached"],
    ]);
    const [goodPod] = await podsOf(ns, "job-name=good");
    expect(goodPod?.metadata?.name).toMatch(/^good-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(goodPod?.status?.phase).toBe("Succeeded");
  });
});

describe("Endpoints controller", () => {
  it("lists ready pods as addresses and the others as notReadyAddresses, following selector changes", async () => {
    const ns = await namespace("eps");
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("ok", "shop", "h1", 2, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
    });
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: versionReplicaSet("stuck", "shop", "h2", 1, { [`${SIM}/never-ready`]: "true" }) as k8s.V1ReplicaSet,
    });
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: "shop", labels: { tier: "front" } },
        spec: { selector: { app: "shop" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
      },
    });
    const eps = await until(async () => {
      const e = await core.readNamespacedEndpoints({ namespace: ns, name: "shop" });
      const subset = e.subsets?.[0];
      return subset?.addresses?.length === 2 && subset.notReadyAddresses?.length === 1 && e;
    }, "endpoints with two ready and one not-ready address");
    expect(eps.metadata?.labels).toEqual({ tier: "front" });
    expect(eps.subsets?.[0]?.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    const readyPods = (await podsOf(ns, "rollouts-pod-template-hash=h1")).map((p) => p.status?.podIP).sort();
    expect(eps.subsets?.[0]?.addresses?.map((a) => a.ip).sort()).toEqual(readyPods);
    expect(eps.subsets?.[0]?.addresses?.[0]?.targetRef).toMatchObject({ kind: "Pod", namespace: ns });

    // Pin the Service to one version, as Argo does: the other version's address leaves.
    await core.patchNamespacedService(
      {
        namespace: ns,
        name: "shop",
        body: { spec: { selector: { app: "shop", "rollouts-pod-template-hash": "h2" } } },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await until(async () => {
      const e = await core.readNamespacedEndpoints({ namespace: ns, name: "shop" });
      return (
        e.subsets?.length === 1 &&
        e.subsets[0]?.addresses === undefined &&
        e.subsets[0]?.notReadyAddresses?.length === 1
      );
    }, "only the never-ready pod selected");
    await core.deleteNamespacedService({ namespace: ns, name: "shop" });
    await until(
      async () => (await core.listNamespacedEndpoints({ namespace: ns })).items.length === 0,
      "endpoints removed with the service",
    );
  });
});

describe("malformed objects", () => {
  it("neither crash the controllers nor fail the writer: a string selector selects nothing", async () => {
    const cluster = sim.cluster("eu-1");
    await namespace("odd");
    cluster.create(
      { group: "", version: "v1", resource: "services" },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "odd" },
        spec: { selector: "app=odd", ports: [{ port: 80 }] },
      },
      "odd",
    );
    await apps.createNamespacedReplicaSet({
      namespace: "odd",
      body: versionReplicaSet("odd", "odd", "h", 1, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
    });
    await until(
      async () => (await apps.readNamespacedReplicaSet({ namespace: "odd", name: "odd" })).status?.readyReplicas === 1,
      "a ready pod next to the odd Service",
    );
    await sim.controllers("eu-1")?.idle();
    expect(cluster.store.get("endpoints", "odd", "odd")).toBeUndefined();
    expect(sim.controllers("eu-1")?.recentErrors).toEqual([]);
  });
});

describe("lifecycle", () => {
  it("stops every controller and timer with the emulator", async () => {
    const own = await startSimWithControllers({ clusters: ["c1", "c2"] });
    const c1 = own.controllers("c1");
    const ownApps = own.kubeConfig("c1").makeApiClient(k8s.AppsV1Api);
    await ownApps.createNamespacedReplicaSet({
      namespace: "default",
      body: versionReplicaSet("late", "late", "h", 2, { [`${SIM}/ready-delay-ms`]: "60000" }) as k8s.V1ReplicaSet,
    });
    await until(() => (c1?.pendingDeadlines ?? 0) > 0, "readiness deadlines queued");
    await own.stop();
    expect(c1?.stopped).toBe(true);
    expect(c1?.pendingDeadlines).toBe(0);
    expect(own.controllers("c2")?.stopped).toBe(true);
  });
});
