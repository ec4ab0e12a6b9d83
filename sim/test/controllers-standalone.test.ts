import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { SIM, until, versionReplicaSet } from "./controllers-support.ts";

const repo = resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Starts `kube-sim` as its own process (as the demo and benchmarks do) and reads its announcement line. */
async function standalone(...args: string[]): Promise<{ url: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-standalone-"));
  dirs.push(dir);
  const child = spawn(
    join(repo, "node_modules/.bin/tsx"),
    ["--conditions=source", join(repo, "sim/src/main.ts"), "--kubeconfig-dir", dir, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolveLine(out.slice(0, nl));
    });
    child.once("exit", (code) => reject(new Error(`kube-sim exited with ${code}: ${err}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, dir };
}

function clientsFor(dir: string, cluster: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(join(dir, `${cluster}.yaml`));
  return { apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
}

describe("kube-sim standalone server", () => {
  it("runs controllers and the data plane for every cluster of a multi-cluster process", async () => {
    const { url, dir } = await standalone("--clusters", "3");
    const { apps, core } = clientsFor(dir, "cluster-3");
    await apps.createNamespacedReplicaSet({
      namespace: "default",
      body: versionReplicaSet("web-h1", "web", "h1", 2, {
        [`${SIM}/ready-delay-ms`]: "0",
        [`${SIM}/error-rate`]: "1",
      }) as k8s.V1ReplicaSet,
    });
    await core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    });
    await until(async () => {
      const rs = await apps.readNamespacedReplicaSet({ namespace: "default", name: "web-h1" });
      return rs.status?.availableReplicas === 2;
    }, "two available pods in cluster-3");
    const set = await fetch(`${url}/_sim/clusters/cluster-3/traffic`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ namespace: "default", service: "web", rps: 500 }),
    });
    expect(set.status).toBe(200);
    const line = await until(async () => {
      const text = await (await fetch(`${url}/_sim/metrics`)).text();
      return text
        .split("\n")
        .find((l) =>
          l.startsWith(
            'http_requests_total{cluster="cluster-3",namespace="default",service="web",rollouts_pod_template_hash="h1",code="500"}',
          ),
        );
    }, "error counts for cluster-3 in the all-clusters metrics");
    expect(Number(line.split(" ").at(-1))).toBeGreaterThan(0);
    // The other clusters are untouched: no pods there.
    const other = clientsFor(dir, "cluster-1");
    expect((await other.core.listNamespacedPod({ namespace: "default" })).items).toEqual([]);
  });

  it("serves a bare API server with --bare", async () => {
    const { dir } = await standalone("--clusters", "1", "--bare");
    const { apps, core } = clientsFor(dir, "cluster-1");
    await apps.createNamespacedReplicaSet({
      namespace: "default",
      body: versionReplicaSet("idle", "idle", "h", 2) as k8s.V1ReplicaSet,
    });
    // Controllers act on the turn after a write; by the time this later request is answered they would have made
    // pods for the ReplicaSet. With --bare nothing acts: no pods, and the status keeps the API server's default.
    const batch = new k8s.KubeConfig();
    batch.loadFromFile(join(dir, "cluster-1.yaml"));
    const jobs = batch.makeApiClient(k8s.BatchV1Api);
    await jobs.createNamespacedJob({
      namespace: "default",
      body: {
        metadata: { name: "j" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
      },
    });
    const rs = await apps.readNamespacedReplicaSet({ namespace: "default", name: "idle" });
    expect(rs.status).toEqual({ replicas: 0 });
    expect((await core.listNamespacedPod({ namespace: "default" })).items).toEqual([]);
  });
});
