import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import {
  type Clients,
  clientsFor,
  eventually,
  k8s,
  mergePatch,
  replicaSet,
  rolloutCrd,
  startSim,
  statusOf,
  strategicPatch,
} from "./support.ts";

let sim: KubeSim;
let c: Clients;

beforeAll(async () => {
  sim = await startSim();
  c = clientsFor(sim.kubeConfig("eu-1"));
});
afterAll(async () => {
  await sim.stop();
});

const ownerRef = (
  o: { apiVersion?: string; kind?: string; metadata?: { name?: string; uid?: string } },
  block = true,
) => ({
  apiVersion: o.apiVersion ?? "",
  kind: o.kind ?? "",
  name: o.metadata?.name ?? "",
  uid: o.metadata?.uid ?? "",
  controller: true,
  blockOwnerDeletion: block,
});

async function ownedConfigMaps(
  ns: string,
  owner: k8s.V1ReplicaSet,
  names: string[],
  extra: Partial<k8s.V1ObjectMeta> = {},
) {
  for (const name of names) {
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name, ownerReferences: [ownerRef(owner)], ...extra } },
    });
  }
}

const exists = async (p: Promise<unknown>) => {
  try {
    await p;
    return true;
  } catch (e) {
    if (e instanceof k8s.ApiException && e.code === 404) return false;
    throw e;
  }
};

describe("garbage collection", () => {
  it("background: deletes the owner at once and its dependents afterwards", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "gc-bg" } } });
    const owner = await c.apps.createNamespacedReplicaSet({
      namespace: "gc-bg",
      body: replicaSet("owner", { app: "o" }),
    });
    await ownedConfigMaps("gc-bg", owner, ["d1", "d2"]);
    await c.core.createNamespacedConfigMap({ namespace: "gc-bg", body: { metadata: { name: "unowned" } } });
    await c.apps.deleteNamespacedReplicaSet({ namespace: "gc-bg", name: "owner", propagationPolicy: "Background" });
    expect(await exists(c.apps.readNamespacedReplicaSet({ namespace: "gc-bg", name: "owner" }))).toBe(false);
    await eventually(
      async () => (await c.core.listNamespacedConfigMap({ namespace: "gc-bg" })).items.length === 1,
      "GC",
    );
    const left = await c.core.listNamespacedConfigMap({ namespace: "gc-bg" });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(["unowned"]);
  });

  it("foreground: the owner waits with a deletionTimestamp until blocking dependents are gone", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "gc-fg" } } });
    const owner = await c.apps.createNamespacedReplicaSet({
      namespace: "gc-fg",
      body: replicaSet("owner", { app: "o" }),
    });
    await ownedConfigMaps("gc-fg", owner, ["held"], { finalizers: ["example.com/hold"] });
    const response = await c.apps.deleteNamespacedReplicaSet({
      namespace: "gc-fg",
      name: "owner",
      propagationPolicy: "Foreground",
    });
    expect(response).toBeDefined();
    const pending = await c.apps.readNamespacedReplicaSet({ namespace: "gc-fg", name: "owner" });
    expect(pending.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(pending.metadata?.finalizers).toContain("foregroundDeletion");
    const held = await eventually(async () => {
      const h = await c.core.readNamespacedConfigMap({ namespace: "gc-fg", name: "held" });
      return h.metadata?.deletionTimestamp ? h : undefined;
    }, "dependent marked for deletion");
    expect(held.metadata?.finalizers).toEqual(["example.com/hold"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await exists(c.apps.readNamespacedReplicaSet({ namespace: "gc-fg", name: "owner" }))).toBe(true);
    await c.core.patchNamespacedConfigMap(
      { namespace: "gc-fg", name: "held", body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    await eventually(
      async () => !(await exists(c.apps.readNamespacedReplicaSet({ namespace: "gc-fg", name: "owner" }))),
      "owner gone",
    );
    expect(await exists(c.core.readNamespacedConfigMap({ namespace: "gc-fg", name: "held" }))).toBe(false);
  });

  it("orphan: removes the owner and strips the owner reference from dependents", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "gc-or" } } });
    const owner = await c.apps.createNamespacedReplicaSet({
      namespace: "gc-or",
      body: replicaSet("owner", { app: "o" }),
    });
    await ownedConfigMaps("gc-or", owner, ["kept"]);
    await c.apps.deleteNamespacedReplicaSet({ namespace: "gc-or", name: "owner", propagationPolicy: "Orphan" });
    await eventually(
      async () => !(await exists(c.apps.readNamespacedReplicaSet({ namespace: "gc-or", name: "owner" }))),
      "owner gone",
    );
    const kept = await c.core.readNamespacedConfigMap({ namespace: "gc-or", name: "kept" });
    expect(kept.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it("keeps a dependent that still has a live owner", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "gc-two" } } });
    const a = await c.apps.createNamespacedReplicaSet({ namespace: "gc-two", body: replicaSet("a", { app: "a" }) });
    const b = await c.apps.createNamespacedReplicaSet({ namespace: "gc-two", body: replicaSet("b", { app: "b" }) });
    await c.core.createNamespacedConfigMap({
      namespace: "gc-two",
      body: { metadata: { name: "shared", ownerReferences: [ownerRef(a), { ...ownerRef(b), controller: false }] } },
    });
    await c.apps.deleteNamespacedReplicaSet({ namespace: "gc-two", name: "a" });
    const shared = await eventually(async () => {
      const s = await c.core.readNamespacedConfigMap({ namespace: "gc-two", name: "shared" });
      return s.metadata?.ownerReferences?.length === 1 ? s : undefined;
    }, "dangling reference removed");
    expect(shared.metadata?.ownerReferences?.[0]?.name).toBe("b");
  });
});

describe("finalizers and namespaces", () => {
  it("holds a deleted object until its finalizers are removed, refusing new ones meanwhile", async () => {
    await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "fin", finalizers: ["example.com/a", "example.com/b"] } },
    });
    const deleted = await c.core.deleteNamespacedConfigMap({ namespace: "default", name: "fin" });
    expect(deleted).toBeDefined();
    const terminating = await c.core.readNamespacedConfigMap({ namespace: "default", name: "fin" });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const added = await statusOf(
      c.core.patchNamespacedConfigMap(
        {
          namespace: "default",
          name: "fin",
          body: { metadata: { finalizers: ["example.com/a", "example.com/b", "x.io/c"] } },
        },
        mergePatch,
      ),
    );
    expect(added.code).toBe(422);
    await c.core.patchNamespacedConfigMap(
      { namespace: "default", name: "fin", body: [{ op: "remove", path: "/metadata/finalizers/0" }] },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
    );
    expect(await exists(c.core.readNamespacedConfigMap({ namespace: "default", name: "fin" }))).toBe(true);
    await c.core.patchNamespacedConfigMap(
      { namespace: "default", name: "fin", body: { metadata: { finalizers: [] } } },
      mergePatch,
    );
    expect(await exists(c.core.readNamespacedConfigMap({ namespace: "default", name: "fin" }))).toBe(false);
  });

  it("empties a terminating namespace, refuses new content in it, then removes it", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await c.core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "x" } } });
    await c.core.createNamespacedConfigMap({
      namespace: "doomed",
      body: { metadata: { name: "slow", finalizers: ["x.io/f"] } },
    });
    await c.core.deleteNamespace({ name: "doomed" });
    const ns = await c.core.readNamespace({ name: "doomed" });
    expect(ns.status?.phase).toBe("Terminating");
    const refused = await statusOf(
      c.core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "late" } } }),
    );
    expect(refused.code).toBe(403);
    expect(refused.message).toContain("because it is being terminated");
    await eventually(
      async () => !(await exists(c.core.readNamespacedConfigMap({ namespace: "doomed", name: "x" }))),
      "content deleted",
    );
    expect(await exists(c.core.readNamespace({ name: "doomed" }))).toBe(true);
    await c.core.patchNamespacedConfigMap(
      { namespace: "doomed", name: "slow", body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    await eventually(async () => !(await exists(c.core.readNamespace({ name: "doomed" }))), "namespace gone");
    const protectedNs = await statusOf(c.core.deleteNamespace({ name: "default" }));
    expect(protectedNs.code).toBe(403);
  });
});

describe("custom resource definitions", () => {
  it("serves a CRD's resource from creation on, with its status and scale subresources", async () => {
    const crd = await c.ext.createCustomResourceDefinition({ body: rolloutCrd() });
    expect(crd.status?.conditions?.find((x) => x.type === "Established")?.status).toBe("True");
    const R = { group: "argoproj.io", version: "v1alpha1", namespace: "default", plural: "rollouts" };
    const discovery = await fetch(`${sim.url("eu-1")}/apis/argoproj.io/v1alpha1`, {
      headers: { authorization: `Bearer ${sim.cluster("eu-1").adminToken}` },
    });
    const resources = ((await discovery.json()) as { resources: { name: string }[] }).resources.map((r) => r.name);
    expect(resources).toEqual(["rollouts", "rollouts/status", "rollouts/scale"]);
    const created = await c.custom.createNamespacedCustomObject({
      ...R,
      body: {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "web" },
        spec: { replicas: 3, strategy: { canary: { steps: [{ setWeight: 20 }] } } },
        status: { phase: "ignored" },
      },
    });
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();
    const withStatus = await c.custom.patchNamespacedCustomObjectStatus(
      { ...R, name: "web", body: { status: { phase: "Progressing", HPAReplicas: 2, selector: "app=web" } } },
      mergePatch,
    );
    expect(withStatus.status.phase).toBe("Progressing");
    expect(withStatus.metadata.generation).toBe(1);
    const scale = await c.custom.getNamespacedCustomObjectScale({ ...R, name: "web" });
    expect(scale).toMatchObject({ kind: "Scale", spec: { replicas: 3 }, status: { replicas: 2, selector: "app=web" } });
    await c.custom.patchNamespacedCustomObjectScale({ ...R, name: "web", body: { spec: { replicas: 5 } } }, mergePatch);
    const after = await c.custom.getNamespacedCustomObject({ ...R, name: "web" });
    expect(after.spec.replicas).toBe(5);
    expect(after.metadata.generation).toBe(2);
    const smp = await statusOf(
      c.custom.patchNamespacedCustomObject({ ...R, name: "web", body: { spec: { paused: true } } }, strategicPatch),
    );
    expect(smp.code).toBe(415);
    const noRv = await statusOf(
      c.custom.replaceNamespacedCustomObject({
        ...R,
        name: "web",
        body: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "web" }, spec: {} },
      }),
    );
    expect(noRv.code).toBe(422);
    const objects = await c.objects.list("argoproj.io/v1alpha1", "Rollout", "default");
    expect(objects.items.map((o) => o.metadata?.name)).toEqual(["web"]);
  });

  it("stops serving the resource and drops its objects when the CRD is deleted", async () => {
    await c.ext.createCustomResourceDefinition({ body: rolloutCrd("temp.example.com") });
    const R = { group: "temp.example.com", version: "v1alpha1", namespace: "default", plural: "rollouts" };
    await c.custom.createNamespacedCustomObject({
      ...R,
      body: { apiVersion: "temp.example.com/v1alpha1", kind: "Rollout", metadata: { name: "x" }, spec: {} },
    });
    const cr = await c.custom.getNamespacedCustomObject({ ...R, name: "x" });
    await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: {
        metadata: {
          name: "owned-by-cr",
          ownerReferences: [
            { apiVersion: "temp.example.com/v1alpha1", kind: "Rollout", name: "x", uid: cr.metadata.uid },
          ],
        },
      },
    });
    await c.ext.deleteCustomResourceDefinition({ name: "rollouts.temp.example.com" });
    const gone = await statusOf(c.custom.listNamespacedCustomObject(R));
    expect(gone.code).toBe(404);
    await eventually(
      async () => !(await exists(c.core.readNamespacedConfigMap({ namespace: "default", name: "owned-by-cr" }))),
      "dependents of the dropped custom resources collected",
    );
  });

  it("validates custom resources against the CRD schema and prunes undeclared fields", async () => {
    const crd = rolloutCrd("schema.example.com");
    crd.spec.versions[0]!.schema = {
      openAPIV3Schema: {
        type: "object",
        properties: {
          spec: {
            type: "object",
            required: ["replicas"],
            properties: { replicas: { type: "integer" }, paused: { type: "boolean" } },
          },
          status: { type: "object", x_kubernetes_preserve_unknown_fields: true },
        },
      },
    };
    await c.ext.createCustomResourceDefinition({ body: crd });
    const R = { group: "schema.example.com", version: "v1alpha1", namespace: "default", plural: "rollouts" };
    const body = (spec: Record<string, unknown>) => ({
      apiVersion: "schema.example.com/v1alpha1",
      kind: "Rollout",
      metadata: { name: "typed" },
      spec,
    });
    const wrongType = await statusOf(c.custom.createNamespacedCustomObject({ ...R, body: body({ replicas: "two" }) }));
    expect(wrongType.code).toBe(422);
    expect(wrongType.message).toContain("spec.replicas in body must be of type integer");
    const missing = await statusOf(c.custom.createNamespacedCustomObject({ ...R, body: body({ paused: true }) }));
    expect(missing.details.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.replicas" },
    ]);
    const created = await c.custom.createNamespacedCustomObject({ ...R, body: body({ replicas: 2, undeclared: "x" }) });
    expect(created.spec).toEqual({ replicas: 2 });
    const withStatus = await c.custom.patchNamespacedCustomObjectStatus(
      { ...R, name: "typed", body: { status: { anything: { goes: 1 } } } },
      mergePatch,
    );
    expect(withStatus.status).toEqual({ anything: { goes: 1 } });
  });

  it("rejects an invalid CRD with 422 naming the fields", async () => {
    const bad = rolloutCrd("bad.example.com");
    bad.metadata = { name: "wrong-name" };
    bad.spec.versions[0]!.storage = false;
    const status = await statusOf(c.ext.createCustomResourceDefinition({ body: bad }));
    expect(status.code).toBe(422);
    const fields = status.details.causes.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(["spec.versions", "metadata.name"]));
  });
});

describe("pods/eviction", () => {
  const readyPod = (name: string) => ({
    metadata: { name, labels: { app: "guarded" } },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });

  it("is refused with 429 when a PodDisruptionBudget would be violated, allowed otherwise", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "evict" } } });
    for (const name of ["p1", "p2"]) {
      await c.core.createNamespacedPod({ namespace: "evict", body: readyPod(name) });
      await c.core.patchNamespacedPodStatus(
        {
          namespace: "evict",
          name,
          body: { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } },
        },
        strategicPatch,
      );
    }
    await c.policy.createNamespacedPodDisruptionBudget({
      namespace: "evict",
      body: { metadata: { name: "pdb" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "guarded" } } } },
    });
    const eviction = (name: string) =>
      c.core.createNamespacedPodEviction({
        namespace: "evict",
        name,
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "evict" } },
      });
    const refused = await statusOf(eviction("p1"));
    expect(refused).toMatchObject({
      code: 429,
      reason: "TooManyRequests",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
    });
    expect(refused.details.causes[0]).toMatchObject({ reason: "DisruptionBudget" });
    expect(await exists(c.core.readNamespacedPod({ namespace: "evict", name: "p1" }))).toBe(true);
    await c.policy.patchNamespacedPodDisruptionBudget(
      { namespace: "evict", name: "pdb", body: { spec: { minAvailable: 1 } } },
      mergePatch,
    );
    await eviction("p1");
    expect(await exists(c.core.readNamespacedPod({ namespace: "evict", name: "p1" }))).toBe(false);
    const pdb = await c.policy.readNamespacedPodDisruptionBudget({ namespace: "evict", name: "pdb" });
    expect(Object.keys(pdb.status?.disruptedPods ?? {})).toEqual(["p1"]);
    const last = await statusOf(eviction("p2"));
    expect(last.code).toBe(429);
  });
});
