import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import { type Clients, clientsFor, eventually, k8s, mergePatch, startSim } from "./support.ts";

let sim: KubeSim;
let c: Clients;
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  sim = await startSim({ historySize: 50, bookmarkIntervalMs: 100 });
  c = clientsFor(sim.kubeConfig("eu-1"));
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});
afterAll(async () => {
  await sim.stop();
});

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  obj: { kind?: string; message?: string; code?: number; reason?: string };
}

async function watchPath(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): Promise<{ events: Seen[]; done: Promise<unknown> }> {
  const events: Seen[] = [];
  let resolveDone: (v: unknown) => void = () => {};
  const done = new Promise((r) => {
    resolveDone = r;
  });
  const ac = await new k8s.Watch(c.kc).watch(
    path,
    query,
    (type, obj) => events.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion, obj }),
    (err) => resolveDone(err ?? "done"),
  );
  stops.push(() => ac.abort());
  return { events, done };
}

const cm = (namespace: string, name: string, labels?: Record<string, string>) =>
  c.core.createNamespacedConfigMap({ namespace, body: { metadata: { name, ...(labels ? { labels } : {}) } } });

describe("watch", () => {
  it("streams ADDED, MODIFIED and DELETED in resourceVersion order", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w1" } } });
    const list = await c.core.listNamespacedConfigMap({ namespace: "w1" });
    const { events } = await watchPath("/api/v1/namespaces/w1/configmaps", {
      resourceVersion: list.metadata?.resourceVersion,
    });
    await cm("w1", "a");
    await c.core.patchNamespacedConfigMap({ namespace: "w1", name: "a", body: { data: { k: "v" } } }, mergePatch);
    await c.core.deleteNamespacedConfigMap({ namespace: "w1", name: "a" });
    await eventually(() => events.length === 3, "three events");
    expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(["ADDED:a", "MODIFIED:a", "DELETED:a"]);
    const rvs = events.map((e) => Number(e.rv));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    expect(new Set(rvs).size).toBe(3);
  });

  it("resumes from a resourceVersion, replaying only later changes", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w2" } } });
    await cm("w2", "before");
    const mark = (await c.core.listNamespacedConfigMap({ namespace: "w2" })).metadata?.resourceVersion;
    await cm("w2", "after-1");
    await cm("w2", "after-2");
    const { events } = await watchPath("/api/v1/namespaces/w2/configmaps", { resourceVersion: mark });
    await eventually(() => events.length === 2, "replayed events");
    expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(["ADDED:after-1", "ADDED:after-2"]);
  });

  it("without a resourceVersion, sends the current objects as ADDED first", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w3" } } });
    await cm("w3", "x");
    await cm("w3", "y");
    const { events } = await watchPath("/api/v1/namespaces/w3/configmaps", {});
    await eventually(() => events.length === 2, "initial events");
    expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(["ADDED:x", "ADDED:y"]);
  });

  it("answers a compacted resourceVersion with a 410 Expired ERROR event and ends the stream", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w4" } } });
    const old = (await c.core.listNamespacedConfigMap({ namespace: "w4" })).metadata?.resourceVersion;
    for (let i = 0; i < 60; i++) await cm("w4", `fill-${i}`);
    const { events, done } = await watchPath("/api/v1/namespaces/w4/configmaps", { resourceVersion: old });
    await done;
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe("ERROR");
    expect(events[0]?.obj).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    expect(events[0]?.obj.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it("applies label selectors to the old and new object, so leaving the selection is a DELETED", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w5" } } });
    const rv = (await c.core.listNamespacedConfigMap({ namespace: "w5" })).metadata?.resourceVersion;
    const { events } = await watchPath("/api/v1/namespaces/w5/configmaps", {
      resourceVersion: rv,
      labelSelector: "track=canary",
    });
    await cm("w5", "other", { track: "stable" });
    await cm("w5", "c1", { track: "canary" });
    await c.core.patchNamespacedConfigMap(
      { namespace: "w5", name: "c1", body: { metadata: { labels: { track: "stable" } } } },
      mergePatch,
    );
    await c.core.patchNamespacedConfigMap(
      { namespace: "w5", name: "other", body: { metadata: { labels: { track: "canary" } } } },
      mergePatch,
    );
    await eventually(() => events.length === 3, "selector transitions");
    expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(["ADDED:c1", "DELETED:c1", "ADDED:other"]);
  });

  it("sends BOOKMARK events carrying the latest resourceVersion when asked", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w6" } } });
    const rv = (await c.core.listNamespacedConfigMap({ namespace: "w6" })).metadata?.resourceVersion;
    const { events } = await watchPath("/api/v1/namespaces/w6/configmaps", {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    await cm("default", "elsewhere");
    // A bookmark sent before that write lands may still carry the listed version; the next one must move on.
    const bookmark = await eventually(
      () => events.find((e) => e.type === "BOOKMARK" && Number(e.rv) >= Number(rv) + 1),
      "a bookmark past the write elsewhere",
    );
    expect(bookmark.obj.kind).toBe("ConfigMap");
    expect(events.filter((e) => e.type === "BOOKMARK").every((e) => Number(e.rv) >= Number(rv))).toBe(true);
  });

  it("streams initial events then an initial-events-end bookmark with sendInitialEvents", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "w7" } } });
    await cm("w7", "one");
    const { events } = await watchPath("/api/v1/namespaces/w7/configmaps", {
      sendInitialEvents: true,
      allowWatchBookmarks: true,
      resourceVersionMatch: "NotOlderThan",
      resourceVersion: "",
    });
    await eventually(() => events.length >= 2, "initial events and bookmark");
    expect(events[0]).toMatchObject({ type: "ADDED", name: "one" });
    expect(events[1]?.type).toBe("BOOKMARK");
    expect(JSON.stringify(events[1]?.obj)).toContain('"k8s.io/initial-events-end":"true"');
  });

  it("ends the stream after timeoutSeconds", async () => {
    const { done } = await watchPath("/api/v1/namespaces/default/configmaps", { timeoutSeconds: 1 });
    expect(await done).toBe("done");
  });
});

describe("informers", () => {
  it("see add, update and delete, and keep a cache equal to the server's list", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "inf" } } });
    await cm("inf", "pre");
    const informer = k8s.makeInformer(c.kc, "/api/v1/namespaces/inf/configmaps", () =>
      c.core.listNamespacedConfigMap({ namespace: "inf" }),
    );
    const seen: string[] = [];
    informer.on("add", (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on("update", (o) => seen.push(`update:${o.metadata?.name}:${o.data?.k ?? ""}`));
    informer.on("delete", (o) => seen.push(`delete:${o.metadata?.name}`));
    await informer.start();
    stops.push(() => informer.stop());
    await cm("inf", "new");
    await c.core.patchNamespacedConfigMap({ namespace: "inf", name: "new", body: { data: { k: "1" } } }, mergePatch);
    await c.core.deleteNamespacedConfigMap({ namespace: "inf", name: "pre" });
    await eventually(() => seen.length === 4, "informer callbacks");
    expect(seen).toEqual(["add:pre", "add:new", "update:new:1", "delete:pre"]);
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(["new"]);
  });

  it("relists after a 410 when resuming from a compacted resourceVersion", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "relist" } } });
    const cluster = sim.cluster("eu-1");
    const cms = cluster.gvr("", "v1", "configmaps");
    const informer = k8s.makeInformer(c.kc, "/api/v1/namespaces/relist/configmaps", () =>
      c.core.listNamespacedConfigMap({ namespace: "relist" }),
    );
    const added: string[] = [];
    informer.on("add", (o) => added.push(o.metadata?.name ?? ""));
    await informer.start();
    stops.push(() => informer.stop());
    await eventually(
      () => cluster.requestLog.entries({ verb: "watch", namespace: "relist" }).length === 1,
      "watch open",
    );
    cluster.requestLog.clear();
    // Drop the stream and, before the client can reconnect, push its resourceVersion out of the history.
    sim.disconnectWatches("eu-1");
    for (let i = 0; i < 60; i++) cluster.create(cms, { metadata: { name: `burst-${i}` } }, "relist");
    await eventually(() => added.length === 60, "all objects in the informer");
    expect(informer.list()).toHaveLength(60);
    const verbs = await eventually(() => {
      const v = cluster.requestLog.entries({ namespace: "relist" }).map((e) => e.verb);
      return v.length >= 3 && v;
    }, "the informer to watch again");
    // watch (answered with 410), list (the relist), watch (from the new list's resourceVersion)
    expect(verbs.slice(0, 3)).toEqual(["watch", "list", "watch"]);
  });
});
