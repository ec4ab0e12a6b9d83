import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import {
  type Clients,
  clientsFor,
  jsonPatch,
  k8s,
  mergePatch,
  replicaSet,
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

describe("discovery", () => {
  it("serves /version, /api, /apis and group versions with subresources", async () => {
    const version = await c.kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.major).toBe("1");
    const core = await c.core.getAPIResources();
    const pods = core.resources.find((r) => r.name === "pods");
    expect(pods?.namespaced).toBe(true);
    expect(core.resources.map((r) => r.name)).toContain("pods/eviction");
    expect(core.resources.find((r) => r.name === "namespaces")?.namespaced).toBe(false);
    const apps = await c.apps.getAPIResources();
    expect(apps.resources.find((r) => r.name === "deployments/scale")?.kind).toBe("Scale");
    const res = await fetch(`${sim.url("eu-1")}/apis`, {
      headers: { authorization: `Bearer ${sim.cluster("eu-1").adminToken}` },
    });
    const groups = (await res.json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        "apps",
        "batch",
        "policy",
        "rbac.authorization.k8s.io",
        "apiextensions.k8s.io",
        "coordination.k8s.io",
      ]),
    );
    const autoscaling = await fetch(`${sim.url("eu-1")}/apis/autoscaling/v2`, {
      headers: { authorization: `Bearer ${sim.cluster("eu-1").adminToken}` },
    });
    expect(((await autoscaling.json()) as { resources: { name: string }[] }).resources.map((r) => r.name)).toContain(
      "horizontalpodautoscalers",
    );
    const aggregated = await fetch(`${sim.url("eu-1")}/apis`, {
      headers: {
        authorization: `Bearer ${sim.cluster("eu-1").adminToken}`,
        accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
      },
    });
    expect(aggregated.headers.get("content-type")).toContain("as=APIGroupDiscoveryList");
    const list = (await aggregated.json()) as {
      items: {
        metadata: { name: string };
        versions: { version: string; resources: { resource: string; subresources?: { subresource: string }[] }[] }[];
      }[];
    };
    const appsV1 = list.items.find((i) => i.metadata.name === "apps")?.versions.find((v) => v.version === "v1");
    const deployments = appsV1?.resources.find((r) => r.resource === "deployments");
    expect(deployments?.subresources?.map((x) => x.subresource)).toEqual(["status", "scale"]);
    const unknown = await fetch(`${sim.url("eu-1")}/apis/nope.io/v1/things`);
    expect(unknown.status).toBe(404);
  });
});

describe("create", () => {
  it("fills uid, resourceVersion, creationTimestamp, generation and defaults apiVersion/kind", async () => {
    const created = await c.apps.createNamespacedReplicaSet({
      namespace: "default",
      body: { ...replicaSet("meta", { app: "meta" }), apiVersion: undefined, kind: undefined } as k8s.V1ReplicaSet,
    });
    expect(created.apiVersion).toBe("apps/v1");
    expect(created.kind).toBe("ReplicaSet");
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.namespace).toBe("default");
  });

  it("generates a name from generateName", async () => {
    const a = await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { generateName: "cfg-" } },
    });
    const b = await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { generateName: "cfg-" } },
    });
    expect(a.metadata?.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    expect(b.metadata?.name).not.toBe(a.metadata?.name);
  });

  it("answers 409 AlreadyExists, 404 for a missing namespace and 422 with causes for bad fields", async () => {
    await c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "dup" } } });
    const dup = await statusOf(
      c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "dup" } } }),
    );
    expect(dup).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'configmaps "dup" already exists' });
    const noNs = await statusOf(
      c.core.createNamespacedConfigMap({ namespace: "ghost", body: { metadata: { name: "x" } } }),
    );
    expect(noNs).toMatchObject({ code: 404, reason: "NotFound", message: 'namespaces "ghost" not found' });
    const bad = await statusOf(
      c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "Bad_Name" } } }),
    );
    expect(bad.code).toBe(422);
    expect(bad.reason).toBe("Invalid");
    expect(bad.message).toContain('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    expect(bad.details.causes[0]).toMatchObject({ reason: "FieldValueInvalid", field: "metadata.name" });
    const mismatch = replicaSet("mismatch", { app: "a" });
    mismatch.spec!.template!.metadata!.labels = { app: "b" };
    const sel = await statusOf(c.apps.createNamespacedReplicaSet({ namespace: "default", body: mismatch }));
    expect(sel.code).toBe(422);
    expect(sel.details.causes.map((x) => x.field)).toContain("spec.template.metadata.labels");
  });

  it("defaults services like kube-apiserver: distinct ClusterIPs, TCP, targetPort, node ports", async () => {
    const a = await c.core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "svc-a" }, spec: { type: "NodePort", ports: [{ port: 80 }] } },
    });
    const b = await c.core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "svc-b" }, spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    });
    expect(a.spec?.clusterIP).not.toBe(b.spec?.clusterIP);
    expect(a.spec?.ports?.[0]).toMatchObject({ protocol: "TCP", targetPort: 80 });
    expect(a.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30_000);
    expect(b.spec?.type).toBe("ClusterIP");
    expect(b.spec?.ports?.[0]?.nodePort).toBeUndefined();
  });

  it("ignores status on create for kinds with a status subresource", async () => {
    const rs = { ...replicaSet("nostatus", { app: "ns" }), status: { replicas: 9, readyReplicas: 9 } };
    const created = await c.apps.createNamespacedReplicaSet({ namespace: "default", body: rs });
    expect(created.status?.readyReplicas).toBeUndefined();
  });
});

describe("get and list", () => {
  beforeAll(async () => {
    await c.core.createNamespace({ body: { metadata: { name: "sel" } } });
    const labelSets: Record<string, string>[] = [
      { app: "web", tier: "front", env: "prod" },
      { app: "web", tier: "back", env: "staging" },
      { app: "db", tier: "back" },
      { app: "cache" },
    ];
    for (const [i, labels] of labelSets.entries()) {
      await c.core.createNamespacedConfigMap({ namespace: "sel", body: { metadata: { name: `cm-${i}`, labels } } });
    }
  });

  const names = async (options: { labelSelector?: string; fieldSelector?: string }) =>
    (await c.core.listNamespacedConfigMap({ namespace: "sel", ...options })).items.map((i) => i.metadata?.name);

  it("filters by equality and set-based label selectors", async () => {
    expect(await names({ labelSelector: "app=web" })).toEqual(["cm-0", "cm-1"]);
    expect(await names({ labelSelector: "app==web,tier!=front" })).toEqual(["cm-1"]);
    expect(await names({ labelSelector: "tier in (back)" })).toEqual(["cm-1", "cm-2"]);
    expect(await names({ labelSelector: "app notin (web,db)" })).toEqual(["cm-3"]);
    expect(await names({ labelSelector: "env" })).toEqual(["cm-0", "cm-1"]);
    expect(await names({ labelSelector: "!tier" })).toEqual(["cm-3"]);
    const bad = await statusOf(c.core.listNamespacedConfigMap({ namespace: "sel", labelSelector: "app in (" }));
    expect(bad.code).toBe(400);
  });

  it("filters by metadata.name / metadata.namespace and per-kind field selectors, refusing unknown fields", async () => {
    expect(await names({ fieldSelector: "metadata.name=cm-2" })).toEqual(["cm-2"]);
    expect(await names({ fieldSelector: "metadata.name!=cm-2" })).toEqual(["cm-0", "cm-1", "cm-3"]);
    const all = await c.core.listConfigMapForAllNamespaces({ fieldSelector: "metadata.namespace=sel" });
    expect(all.items).toHaveLength(4);
    await c.core.createNamespacedPod({
      namespace: "sel",
      body: { metadata: { name: "p1" }, spec: { nodeName: "node-a", containers: [{ name: "c", image: "busybox" }] } },
    });
    await c.core.createNamespacedPod({
      namespace: "sel",
      body: { metadata: { name: "p2" }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    });
    const onNode = await c.core.listNamespacedPod({ namespace: "sel", fieldSelector: "spec.nodeName=node-a" });
    expect(onNode.items.map((p) => p.metadata?.name)).toEqual(["p1"]);
    const pending = await c.core.listNamespacedPod({ namespace: "sel", fieldSelector: "status.phase=Pending" });
    expect(pending.items).toHaveLength(2);
    const bad = await statusOf(c.core.listNamespacedConfigMap({ namespace: "sel", fieldSelector: "data.x=1" }));
    expect(bad).toMatchObject({ code: 400, message: "field label not supported: data.x" });
  });

  it("pages with limit/continue at one resourceVersion, even when objects change between pages", async () => {
    const first = await c.core.listNamespacedConfigMap({ namespace: "sel", limit: 3 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(["cm-0", "cm-1", "cm-2"]);
    expect(first.metadata?.remainingItemCount).toBe(1);
    expect(first.metadata?._continue).toBeTruthy();
    await c.core.createNamespacedConfigMap({ namespace: "sel", body: { metadata: { name: "cm-9" } } });
    const second = await c.core.listNamespacedConfigMap({
      namespace: "sel",
      limit: 3,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(["cm-3"]);
    expect(second.metadata?._continue).toBeFalsy();
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const stale = await statusOf(c.core.listNamespacedConfigMap({ namespace: "sel", _continue: "bm9wZQ" }));
    expect(stale.code).toBe(410);
  });

  it("answers 404 NotFound in Kubernetes' words", async () => {
    const missing = await statusOf(c.apps.readNamespacedDeployment({ namespace: "default", name: "nope" }));
    expect(missing).toMatchObject({ code: 404, reason: "NotFound", message: 'deployments.apps "nope" not found' });
  });
});

describe("update", () => {
  it("returns 409 Conflict for a stale resourceVersion and accepts the current one", async () => {
    const created = await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "upd" }, data: { a: "1" } },
    });
    const fresh = await c.core.replaceNamespacedConfigMap({
      namespace: "default",
      name: "upd",
      body: { ...created, data: { a: "2" } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const stale = await statusOf(
      c.core.replaceNamespacedConfigMap({ namespace: "default", name: "upd", body: { ...created, data: { a: "3" } } }),
    );
    expect(stale).toMatchObject({
      code: 409,
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it("does not bump resourceVersion for a no-op update", async () => {
    const created = await c.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "noop" }, data: { a: "1" } },
    });
    const same = await c.core.replaceNamespacedConfigMap({ namespace: "default", name: "noop", body: created });
    expect(same.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it("bumps generation on spec changes only, and keeps status and spec writes apart", async () => {
    const rs = await c.apps.createNamespacedReplicaSet({
      namespace: "default",
      body: replicaSet("gen", { app: "gen" }),
    });
    expect(rs.metadata?.generation).toBe(1);
    const labelled = await c.apps.patchNamespacedReplicaSet(
      { namespace: "default", name: "gen", body: { metadata: { labels: { app: "gen", extra: "1" } } } },
      mergePatch,
    );
    expect(labelled.metadata?.generation).toBe(1);
    const withStatus = await c.apps.replaceNamespacedReplicaSetStatus({
      namespace: "default",
      name: "gen",
      body: { ...labelled, spec: { ...labelled.spec!, replicas: 7 }, status: { replicas: 3, readyReplicas: 2 } },
    });
    expect(withStatus.status?.readyReplicas).toBe(2);
    expect(withStatus.spec?.replicas).toBe(1);
    expect(withStatus.metadata?.generation).toBe(1);
    const specWrite = await c.apps.replaceNamespacedReplicaSet({
      namespace: "default",
      name: "gen",
      body: { ...withStatus, spec: { ...withStatus.spec!, replicas: 4 }, status: { replicas: 0 } },
    });
    expect(specWrite.spec?.replicas).toBe(4);
    expect(specWrite.status?.readyReplicas).toBe(2);
    expect(specWrite.metadata?.generation).toBe(2);
  });
});

describe("patch", () => {
  const deployment = (name: string): k8s.V1Deployment => ({
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "app",
              image: "app:1",
              ports: [{ containerPort: 8080 }],
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
            },
            { name: "sidecar", image: "proxy:1" },
          ],
        },
      },
    },
  });

  it("applies JSON merge patches (null deletes, lists replace)", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("merge") });
    const patched = await c.apps.patchNamespacedDeployment(
      {
        namespace: "default",
        name: "merge",
        body: { metadata: { annotations: { note: "x" } }, spec: { paused: true, revisionHistoryLimit: null } },
      },
      mergePatch,
    );
    expect(patched.metadata?.annotations?.note).toBe("x");
    expect(patched.spec?.paused).toBe(true);
    expect(patched.spec?.revisionHistoryLimit).toBeUndefined();
  });

  it("applies JSON patches, including a failing test op as 422", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("jp") });
    const patched = await c.apps.patchNamespacedDeployment(
      {
        namespace: "default",
        name: "jp",
        body: [
          { op: "replace", path: "/spec/replicas", value: 3 },
          { op: "add", path: "/metadata/labels", value: { tier: "web" } },
          { op: "remove", path: "/spec/template/spec/containers/1" },
        ],
      },
      jsonPatch,
    );
    expect(patched.spec?.replicas).toBe(3);
    expect(patched.metadata?.labels).toEqual({ tier: "web" });
    expect(patched.spec?.template.spec?.containers.map((x) => x.name)).toEqual(["app"]);
    const failed = await statusOf(
      c.apps.patchNamespacedDeployment(
        { namespace: "default", name: "jp", body: [{ op: "test", path: "/spec/replicas", value: 99 }] },
        jsonPatch,
      ),
    );
    expect(failed.code).toBe(422);
  });

  it("applies strategic merge patches by merge key (containers, env, ports) with $patch directives", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("smp") });
    const patched = await c.apps.patchNamespacedDeployment(
      {
        namespace: "default",
        name: "smp",
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: "app",
                    image: "app:2",
                    env: [
                      { name: "B", value: "20" },
                      { name: "C", value: "3" },
                      { name: "A", $patch: "delete" },
                    ],
                    ports: [{ containerPort: 9090 }],
                  },
                ],
              },
            },
          },
        },
      },
      strategicPatch,
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((x) => `${x.name}=${x.image}`)).toEqual(["app=app:2", "sidecar=proxy:1"]);
    expect(containers[0]?.env).toEqual([
      { name: "B", value: "20" },
      { name: "C", value: "3" },
    ]);
    expect(containers[0]?.ports?.map((p) => p.containerPort)).toEqual([8080, 9090]);
    expect(patched.metadata?.generation).toBe(2);
    const replaced = await c.apps.patchNamespacedDeployment(
      {
        namespace: "default",
        name: "smp",
        body: { spec: { template: { spec: { containers: [{ name: "only", image: "x:1" }, { $patch: "replace" }] } } } },
      },
      strategicPatch,
    );
    expect(replaced.spec?.template.spec?.containers.map((x) => x.name)).toEqual(["only"]);
  });

  it("merges status conditions by type through the status subresource", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("cond") });
    const cond = (type: string, status: string) => ({ type, status, reason: "R", message: "m" });
    await c.apps.patchNamespacedDeploymentStatus(
      {
        namespace: "default",
        name: "cond",
        body: { status: { conditions: [cond("Available", "False"), cond("Progressing", "True")] } },
      },
      strategicPatch,
    );
    const after = await c.apps.patchNamespacedDeploymentStatus(
      {
        namespace: "default",
        name: "cond",
        body: { status: { conditions: [cond("Available", "True")] }, spec: { replicas: 9 } },
      },
      strategicPatch,
    );
    expect(after.status?.conditions?.map((x) => `${x.type}=${x.status}`)).toEqual([
      "Available=True",
      "Progressing=True",
    ]);
    expect(after.spec?.replicas).toBe(1);
  });

  it("rejects a patch carrying a stale resourceVersion with 409", async () => {
    const stale = await statusOf(
      c.apps.patchNamespacedDeployment(
        { namespace: "default", name: "cond", body: { metadata: { resourceVersion: "1" }, spec: { paused: true } } },
        mergePatch,
      ),
    );
    expect(stale.code).toBe(409);
  });

  it("server-side apply creates when absent and merges when present, requiring a field manager", async () => {
    const apply = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply);
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "ssa", labels: { a: "1" } },
      data: { k: "v" },
    };
    const created = await c.core.patchNamespacedConfigMap(
      { namespace: "default", name: "ssa", fieldManager: "hub", body },
      apply,
    );
    expect(created.data).toEqual({ k: "v" });
    const merged = await c.core.patchNamespacedConfigMap(
      { namespace: "default", name: "ssa", fieldManager: "hub", body: { ...body, data: { k2: "v2" } } },
      apply,
    );
    expect(merged.data).toEqual({ k: "v", k2: "v2" });
    const missing = await statusOf(c.core.patchNamespacedConfigMap({ namespace: "default", name: "ssa", body }, apply));
    expect(missing.code).toBe(400);
  });

  it("deletes a collection by label selector", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "coll" } } });
    for (const [name, tier] of [
      ["a", "x"],
      ["b", "x"],
      ["c", "y"],
    ] as const) {
      await c.core.createNamespacedConfigMap({ namespace: "coll", body: { metadata: { name, labels: { tier } } } });
    }
    await c.core.deleteCollectionNamespacedConfigMap({ namespace: "coll", labelSelector: "tier=x" });
    const left = await c.core.listNamespacedConfigMap({ namespace: "coll" });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(["c"]);
  });

  it("serves the scale subresource", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("scaled") });
    const scale = await c.apps.readNamespacedDeploymentScale({ namespace: "default", name: "scaled" });
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.selector).toBe("app=scaled");
    await c.apps.replaceNamespacedDeploymentScale({
      namespace: "default",
      name: "scaled",
      body: { metadata: { name: "scaled", namespace: "default" }, spec: { replicas: 4 } },
    });
    const d = await c.apps.readNamespacedDeployment({ namespace: "default", name: "scaled" });
    expect(d.spec?.replicas).toBe(4);
    expect(d.metadata?.generation).toBe(2);
  });
});

describe("bad requests", () => {
  const call = async (method: string, path: string, body?: string, contentType = "application/json") => {
    const res = await fetch(`${sim.url("eu-1")}${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.cluster("eu-1").adminToken}`, "content-type": contentType },
      ...(body !== undefined ? { body } : {}),
    });
    const status = (await res.json()) as { kind: string; code: number; message: string };
    return { http: res.status, ...status };
  };

  it("answers malformed bodies and misused verbs with a Status naming the problem, never crashing", async () => {
    const cms = "/api/v1/namespaces/default/configmaps";
    expect(await call("POST", cms, "{not json")).toMatchObject({ http: 400, kind: "Status", code: 400 });
    expect(await call("POST", cms, "[1,2]")).toMatchObject({
      http: 400,
      message: "the request body must be a JSON object",
    });
    expect(await call("POST", cms, JSON.stringify({ metadata: "x" }))).toMatchObject({
      http: 400,
      message: "metadata: must be an object",
    });
    const labels = await call("POST", cms, JSON.stringify({ metadata: { name: "l", labels: { a: 1 } } }));
    expect(labels.http).toBe(422);
    expect(labels.message).toContain("metadata.labels[a]");
    const kindMismatch = await call("POST", cms, JSON.stringify({ kind: "Secret", metadata: { name: "k" } }));
    expect(kindMismatch.message).toBe("the kind in the data (Secret) does not match the expected kind (ConfigMap)");
    expect(await call("PUT", cms, "{}")).toMatchObject({ http: 405 });
    await call("POST", cms, JSON.stringify({ metadata: { name: "target" } }));
    expect(await call("PATCH", `${cms}/target`, "[1]", "application/merge-patch+json")).toMatchObject({
      http: 400,
      message: "merge patch must be a JSON object",
    });
    expect(await call("PATCH", `${cms}/target`, "{}", "text/plain")).toMatchObject({ http: 415 });
    expect(await call("GET", `${cms}/target/log`)).toMatchObject({ http: 404 });
    expect(await call("GET", "/apis/apps/v9/deployments")).toMatchObject({ http: 404 });
    expect(await call("POST", cms, "\u0000\u0001", "application/vnd.kubernetes.protobuf")).toMatchObject({ http: 415 });
  });
});
