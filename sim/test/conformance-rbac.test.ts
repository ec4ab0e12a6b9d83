import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import { type Clients, clientsFor, eventually, mergePatch, replicaSet, startSim, statusOf } from "./support.ts";

let sim: KubeSim;
let admin: Clients;
let agent: Clients;

beforeAll(async () => {
  sim = await startKubeSimWithRbac();
  admin = clientsFor(sim.kubeConfig("eu-1"));
  agent = clientsFor(sim.kubeConfig("eu-1", { serviceAccount: { namespace: "rollouts", name: "agent" } }));
});
afterAll(async () => {
  await sim.stop();
});

function startKubeSimWithRbac() {
  return startSim({ clusters: [{ name: "eu-1", rbac: true }, { name: "us-1" }] });
}

describe("RBAC", () => {
  it("refuses a ServiceAccount without rules with Kubernetes' 403 message", async () => {
    const list = await statusOf(agent.apps.listNamespacedReplicaSet({ namespace: "default" }));
    expect(list).toMatchObject({
      code: 403,
      reason: "Forbidden",
      message:
        'replicasets.apps is forbidden: User "system:serviceaccount:rollouts:agent" cannot list resource "replicasets" in API group "apps" in the namespace "default"',
    });
    const get = await statusOf(agent.core.readNamespace({ name: "kube-system" }));
    expect(get.message).toBe(
      'namespaces "kube-system" is forbidden: User "system:serviceaccount:rollouts:agent" cannot get resource "namespaces" in API group "" in the namespace "kube-system"',
    );
    const clusterScope = await statusOf(agent.core.listNamespace());
    expect(clusterScope.message).toContain("at the cluster scope");
  });

  it("grants through a Role + RoleBinding in that namespace only, honouring verbs and subresources", async () => {
    await admin.rbac.createNamespacedRole({
      namespace: "default",
      body: {
        metadata: { name: "rs-reader" },
        rules: [
          { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["apps"], resources: ["replicasets/scale"], verbs: ["patch"] },
        ],
      },
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: "default",
      body: {
        metadata: { name: "agent-reads" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "rs-reader" },
        subjects: [{ kind: "ServiceAccount", name: "agent", namespace: "rollouts" }],
      },
    });
    await admin.apps.createNamespacedReplicaSet({ namespace: "default", body: replicaSet("web", { app: "web" }) });
    const list = await agent.apps.listNamespacedReplicaSet({ namespace: "default" });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["web"]);
    await agent.apps.patchNamespacedReplicaSetScale(
      { namespace: "default", name: "web", body: { spec: { replicas: 2 } } },
      mergePatch,
    );
    const write = await statusOf(
      agent.apps.patchNamespacedReplicaSet(
        { namespace: "default", name: "web", body: { spec: { replicas: 3 } } },
        mergePatch,
      ),
    );
    expect(write.code).toBe(403);
    expect(write.message).toContain('cannot patch resource "replicasets"');
    const status = await statusOf(
      agent.apps.patchNamespacedReplicaSetStatus(
        { namespace: "default", name: "web", body: { status: {} } },
        mergePatch,
      ),
    );
    expect(status.message).toContain('cannot patch resource "replicasets/status"');
    const otherNs = await statusOf(agent.apps.listNamespacedReplicaSet({ namespace: "kube-system" }));
    expect(otherNs.code).toBe(403);
  });

  it("grants cluster-wide through a ClusterRoleBinding, and by resourceNames only for those names", async () => {
    await admin.rbac.createClusterRole({
      body: {
        metadata: { name: "cm-one" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["allowed"], verbs: ["get"] }],
      },
    });
    await admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: "agent-cm" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cm-one" },
        subjects: [{ kind: "Group", name: "system:serviceaccounts:rollouts" }],
      },
    });
    for (const name of ["allowed", "secret"]) {
      await admin.core.createNamespacedConfigMap({ namespace: "kube-public", body: { metadata: { name } } });
    }
    const ok = await agent.core.readNamespacedConfigMap({ namespace: "kube-public", name: "allowed" });
    expect(ok.metadata?.name).toBe("allowed");
    expect(
      (await statusOf(agent.core.readNamespacedConfigMap({ namespace: "kube-public", name: "secret" }))).code,
    ).toBe(403);
  });

  it("rejects an unknown token with 401 and leaves clusters without RBAC open", async () => {
    const stranger = clientsFor(sim.kubeConfig("eu-1", { token: "not-a-token" }));
    expect((await statusOf(stranger.core.listNamespace())).code).toBe(401);
    const us = clientsFor(sim.kubeConfig("us-1", { serviceAccount: { namespace: "rollouts", name: "agent" } }));
    expect((await us.core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it("records each request per cluster with verb, resource, namespace and identity", async () => {
    const cluster = sim.cluster("us-1");
    cluster.requestLog.clear();
    const us = clientsFor(sim.kubeConfig("us-1", { serviceAccount: { namespace: "rollouts", name: "agent" } }));
    await us.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "logged" } } });
    await us.core.readNamespacedConfigMap({ namespace: "default", name: "logged" });
    await statusOf(us.core.readNamespacedConfigMap({ namespace: "default", name: "absent" }));
    const entries = await eventually(() => {
      const e = cluster.requestLog.entries({ user: "system:serviceaccount:rollouts:agent" });
      return e.length === 3 && e;
    }, "three logged requests");
    expect(entries[0]?.userAgent).toBeTruthy();
    expect(entries.map((e) => `${e.verb} ${e.resource} ${e.namespace}/${e.name ?? ""} ${e.code}`)).toEqual([
      "create configmaps default/ 201",
      "get configmaps default/logged 200",
      "get configmaps default/absent 404",
    ]);
    expect(sim.cluster("eu-1").requestLog.entries({ name: "logged" })).toEqual([]);
    expect(cluster.requestLog.entries({ name: "logged", verb: "get" })).toHaveLength(1);
    const viaHttp = await fetch(`${sim.baseUrl}/_sim/clusters/us-1/requests?verb=create`);
    const body = (await viaHttp.json()) as { requests: { name?: string; resource: string }[] };
    expect(body.requests.map((r) => r.resource)).toEqual(["configmaps"]);
  });
});
