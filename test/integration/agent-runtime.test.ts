import { readdirSync } from "node:fs";
import { type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Informer } from "../../agent/src/kube/informer.ts";
import { KubeClient } from "../../agent/src/kube/kube-client.ts";
import type { KubeObject } from "../../agent/src/kube/kube-object.ts";
import { builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { LeaderElection } from "../../agent/src/runtime/leader-election.ts";
import { eventually } from "../support/eventually.ts";

const cmPath = resourcePath(builtins.configMaps, "default");

describe("agent runtime against the emulator", () => {
  let sim: KubeSim;
  let client: KubeClient;

  beforeAll(async () => {
    sim = await startKubeSim({ clusters: ["eu-1"], historySize: 50, bookmarkIntervalMs: 200 });
    client = new KubeClient(sim.kubeConfig("eu-1"));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("informer: lists, then sees adds, updates and deletes, without managedFields", async () => {
    await client.create(cmPath, { metadata: { name: "before", managedFields: [{ manager: "x" }] }, data: { a: "1" } });
    const seen: string[] = [];
    const inf = new Informer<KubeObject>({ client, ref: builtins.configMaps, namespace: "default" });
    inf.on("add", (o) => seen.push(`add:${o.metadata.name}`));
    inf.on("update", (_o, n) => seen.push(`update:${n.metadata.name}`));
    inf.on("delete", (o) => seen.push(`delete:${o.metadata.name}`));
    await inf.start();
    expect(inf.get("default/before")).toBeDefined();
    expect(inf.get("default/before")?.metadata.managedFields).toBeUndefined();
    await client.create(cmPath, { metadata: { name: "web" }, data: { v: "1" } });
    await client.patch(`${cmPath}/web`, { data: { v: "2" } });
    await client.delete(`${cmPath}/web`);
    await eventually(() => seen.includes("delete:web"), "the delete event");
    expect(seen).toEqual(["add:before", "add:web", "update:web", "delete:web"]);
    expect(inf.get("default/web")).toBeUndefined();
    await inf.stop();
  });

  it("client: reuses connections instead of opening one per request", async () => {
    const fds = () => readdirSync("/proc/self/fd").length;
    await client.get(cmPath);
    const before = fds();
    for (let i = 0; i < 300; i++) await client.get(cmPath);
    // Both ends live in this process; a socket per request would add hundreds of descriptors.
    expect(fds() - before).toBeLessThan(20);
  });

  it("informer: secondary indexes follow adds, updates and deletes", async () => {
    const inf = new Informer<KubeObject>({ client, ref: builtins.configMaps, namespace: "default" });
    inf.addIndex("team", (o) => (o.metadata.labels?.team ? [o.metadata.labels.team] : []));
    await inf.start();
    await client.create(cmPath, { metadata: { name: "idx-a", labels: { team: "red" } } });
    await client.create(cmPath, { metadata: { name: "idx-b", labels: { team: "red" } } });
    await eventually(() => inf.byIndex("team", "red").length === 2, "two red");
    await client.patch(`${cmPath}/idx-b`, { metadata: { labels: { team: "blue" } } });
    await eventually(() => inf.byIndex("team", "blue").length === 1, "b moved to blue");
    expect(inf.byIndex("team", "red").map((o) => o.metadata.name)).toEqual(["idx-a"]);
    await client.delete(`${cmPath}/idx-a`);
    await eventually(() => inf.byIndex("team", "red").length === 0, "a gone from the index");
    expect(() => inf.byIndex("nope", "x")).toThrowError(/no index/);
    await inf.stop();
  });

  it("informer: relists after its watch falls out of history (410) and reports the changes it missed", async () => {
    const inf = new Informer<KubeObject>({
      client,
      ref: builtins.configMaps,
      namespace: "default",
      backoff: { baseDelayMs: 10, maxDelayMs: 50 },
    });
    const deleted: string[] = [];
    inf.on("delete", (o) => deleted.push(o.metadata.name ?? ""));
    await inf.start();
    const relistsBefore = inf.health().relists;
    // Cut the watch and, while it reconnects, write more than the history holds so its resourceVersion expires.
    await client.create(cmPath, { metadata: { name: "doomed" } });
    await eventually(() => inf.get("default/doomed"), "doomed in cache");
    // In-process writes are synchronous, so all of them land before the informer can reconnect.
    const cluster = sim.cluster("eu-1");
    const gvr = cluster.gvr("", "v1", "configmaps");
    sim.disconnectWatches("eu-1");
    cluster.delete(gvr, "default", "doomed");
    for (let i = 0; i < 80; i++) cluster.create(gvr, { metadata: { name: `bulk-${i}` } }, "default");
    await eventually(() => inf.get("default/bulk-79"), "the last bulk object after relist", 15_000);
    expect(inf.get("default/doomed")).toBeUndefined();
    expect(deleted).toContain("doomed");
    expect(inf.health().synced).toBe(true);
    expect(inf.health().relists).toBeGreaterThan(relistsBefore);
    await inf.stop();
  });

  it("leader election: one leader at a time, handover after the lease expires, epoch increases", async () => {
    const leading: Array<{ who: string; epoch: number }> = [];
    const make = (identity: string) =>
      new LeaderElection({
        client,
        namespace: "kube-system",
        leaseName: "bellwether-agent",
        identity,
        leaseDurationMs: 1_000,
        renewDeadlineMs: 800,
        retryPeriodMs: 100,
        onStartedLeading: (epoch) => {
          leading.push({ who: identity, epoch });
        },
      });
    const a = make("agent-a");
    const b = make("agent-b");
    a.start();
    await eventually(() => a.isLeader, "a leads");
    b.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(b.isLeader).toBe(false);
    // Simulate a crash of the leader: it stops renewing without releasing.
    (a as unknown as { stopped: boolean }).stopped = true;
    const crashedAt = Date.now();
    await eventually(() => b.isLeader, "b takes over", 5_000);
    const handoverMs = Date.now() - crashedAt;
    expect(handoverMs).toBeLessThan(3_000);
    expect(leading.map((l) => l.who)).toEqual(["agent-a", "agent-b"]);
    expect(leading[1]!.epoch).toBe(leading[0]!.epoch + 1);
    const cm = await client.get<{ data: { epoch: string; holder: string } }>(
      `${resourcePath(builtins.configMaps, "kube-system")}/bellwether-agent-epoch`,
    );
    expect(cm.data).toMatchObject({ epoch: String(leading[1]!.epoch), holder: "agent-b" });
    await b.stop();
    const lease = await client.get<{ spec: { holderIdentity?: string; leaseTransitions: number } }>(
      `${resourcePath(builtins.leases, "kube-system")}/bellwether-agent`,
    );
    expect(lease.spec.holderIdentity ?? "").toBe("");
    expect(lease.spec.leaseTransitions).toBe(1);
  });
});
