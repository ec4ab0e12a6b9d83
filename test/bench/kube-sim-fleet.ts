/**
 * Fleet-scale emulator benchmark: 1,000 small clusters in one process, each with a namespace, a Deployment of
 * 2–3 pods (Deployment → ReplicaSet → Pods through the simulated controllers), a Service with its Endpoints and
 * synthetic traffic. Reports heapUsed after GC, RSS and open file descriptors (`/proc/self/fd`), how long the
 * fleet took to become available, and a Prometheus scrape of all clusters. Runs standalone
 * (`tsx --conditions=source test/bench/kube-sim-fleet.ts`) or through `./dev bench kube-sim-fleet`.
 */
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import type { BenchResult } from "./bench-result.ts";

const CLUSTERS = Number(process.env.KUBE_SIM_FLEET_CLUSTERS ?? 1_000);
/** Change-feed history per cluster (the emulator's default when unset); the ring dominates an idle cluster. */
const HISTORY = process.env.KUBE_SIM_FLEET_HISTORY ? Number(process.env.KUBE_SIM_FLEET_HISTORY) : undefined;
const TRAFFIC_RPS = 20;
const TRAFFIC_SECONDS = 10;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return Number.NaN;
  }
}

const MiB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function populate(sim: KubeSim, name: string, replicas: number): void {
  const cluster = sim.cluster(name);
  const gvr = (group: string, resource: string) => ({ group, version: "v1", resource });
  cluster.create(gvr("", "namespaces"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
  cluster.create(
    gvr("apps", "deployments"),
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        replicas,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: {
            labels: { app: "web" },
            annotations: {
              "kube-sim.bellwether.dev/ready-delay-ms": "100",
              "kube-sim.bellwether.dev/error-rate": "0.01",
            },
          },
          spec: { containers: [{ name: "web", image: "registry.example/web:1.0", ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
    "shop",
  );
  cluster.create(
    gvr("", "services"),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "shop" },
      spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    "shop",
  );
}

function fleetAvailable(sim: KubeSim, names: string[], want: (i: number) => number): number {
  let done = 0;
  names.forEach((name, i) => {
    const d = sim.cluster(name).store.get("deployments.apps", "shop", "web");
    const eps = sim.cluster(name).store.get("endpoints", "shop", "web");
    const available = (d?.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
    const addresses = ((eps?.subsets as { addresses?: unknown[] }[] | undefined) ?? [])[0]?.addresses?.length ?? 0;
    if (available === want(i) && addresses === want(i)) done++;
  });
  return done;
}

export async function run(): Promise<BenchResult[]> {
  const heapBefore = heapAfterGc();
  const rssBefore = process.memoryUsage().rss;
  const fdsBefore = openFds();
  const names = Array.from({ length: CLUSTERS }, (_, i) => `fleet-${i + 1}`);
  const replicasOf = (i: number) => (i % 2 === 0 ? 2 : 3);

  const startedAt = performance.now();
  const sim = await startKubeSim({ clusters: names, ...(HISTORY ? { historySize: HISTORY } : {}) });
  try {
    names.forEach((name, i) => {
      populate(sim, name, replicasOf(i));
    });
    const populatedMs = performance.now() - startedAt;
    for (;;) {
      if (fleetAvailable(sim, names, replicasOf) === CLUSTERS) break;
      if (performance.now() - startedAt > 300_000) throw new Error("the fleet did not become available in 300 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    const availableMs = performance.now() - startedAt;
    let pods = 0;
    let objects = 0;
    for (const name of names) {
      const store = sim.cluster(name).store;
      pods += store.count("pods");
      for (const gr of ["pods", "replicasets.apps", "deployments.apps", "services", "endpoints", "namespaces"]) {
        objects += store.count(gr);
      }
    }
    const heapIdle = heapAfterGc();
    const rssIdle = process.memoryUsage().rss;
    const fdsIdle = openFds();

    for (const name of names) sim.dataPlane.setTraffic(name, { namespace: "shop", service: "web", rps: TRAFFIC_RPS });
    // Simulated time, so the figure does not depend on how busy the machine is.
    const trafficStarted = performance.now();
    sim.dataPlane.advance(TRAFFIC_SECONDS * 1000);
    const trafficMs = performance.now() - trafficStarted;
    const scrapeStarted = performance.now();
    const res = await fetch(`${sim.baseUrl}/_sim/metrics`);
    const text = await res.text();
    const scrapeMs = performance.now() - scrapeStarted;
    const series = text.split("\n").filter((l) => l.startsWith("http_requests_total{")).length;
    for (const name of names) sim.dataPlane.setTraffic(name, { namespace: "shop", service: "web", rps: 0 });

    const heapWithTraffic = heapAfterGc();
    const rssWithTraffic = process.memoryUsage().rss;
    const fdsWithTraffic = openFds();
    const fdGrowth = Math.max(fdsIdle, fdsWithTraffic) - fdsBefore;
    return [
      {
        name: `clusters emulated in one process (change-feed history ${HISTORY ?? "default"})`,
        value: CLUSTERS,
        unit: "clusters",
      },
      {
        name: "objects (namespaces, Deployments, ReplicaSets, pods, Services, Endpoints)",
        value: objects,
        unit: "objects",
      },
      { name: "pods Running and Ready", value: pods, unit: "pods" },
      { name: "time to create the fleet (in-process writes)", value: round(populatedMs), unit: "ms" },
      { name: "time until every Deployment is available (ready delay 100 ms)", value: round(availableMs), unit: "ms" },
      { name: "heapUsed after GC, fleet idle", value: round(heapIdle / MiB), unit: "MiB" },
      { name: "heapUsed after GC per cluster", value: round((heapIdle - heapBefore) / 1024 / CLUSTERS), unit: "KiB" },
      { name: "RSS, fleet idle", value: round(rssIdle / MiB), unit: "MiB" },
      { name: "RSS growth over the empty process", value: round((rssIdle - rssBefore) / MiB), unit: "MiB" },
      {
        name: `heapUsed after GC with traffic metrics (${series} request series)`,
        value: round(heapWithTraffic / MiB),
        unit: "MiB",
      },
      { name: "RSS with traffic metrics", value: round(rssWithTraffic / MiB), unit: "MiB" },
      {
        name: `simulate ${TRAFFIC_SECONDS} s of ${TRAFFIC_RPS} rps on every cluster`,
        value: round(trafficMs),
        unit: "ms",
      },
      {
        name: `scrape /_sim/metrics for all clusters (${round(text.length / 1024)} KiB)`,
        value: round(scrapeMs),
        unit: "ms",
      },
      { name: "open file descriptors, fleet idle", value: fdsIdle, unit: "fds" },
      {
        name: "file descriptor growth for the whole fleet",
        value: fdGrowth,
        unit: "fds",
        target: "<= 16 (no descriptor per cluster, pod or timer)",
        ok: fdGrowth <= 16,
      },
    ];
  } finally {
    await sim.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const results = await run();
  console.table(results);
  console.log(JSON.stringify(results));
}
