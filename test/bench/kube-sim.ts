/**
 * Kubernetes emulator benchmark: create throughput (in-process and over HTTP), watch event latency with 100 HTTP
 * watchers while a client writes 1,000 objects/s over HTTP, and memory holding 10,000 Rollouts + 30,000
 * ReplicaSets. Runs standalone (`tsx --conditions=source test/bench/kube-sim.ts`) or through `./dev bench`.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, request as httpRequest } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type KubeCluster, type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import { parse as parseYaml } from "yaml";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

const WATCHERS = Number(process.env.KUBE_SIM_BENCH_WATCHERS ?? 100);
const WRITES_PER_SECOND = 1_000;
const WRITE_SECONDS = Number(process.env.KUBE_SIM_BENCH_WRITE_SECONDS ?? 5);
const ROLLOUTS = 10_000;
const REPLICASETS_PER_ROLLOUT = 3;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function rolloutCrd() {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "rollouts.argoproj.io" },
    spec: {
      group: "argoproj.io",
      scope: "Namespaced",
      names: { kind: "Rollout", listKind: "RolloutList", plural: "rollouts", singular: "rollout", shortNames: ["ro"] },
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          subresources: { status: {} },
        },
      ],
    },
  };
}

function podTemplate(app: string, image: string) {
  return {
    metadata: { labels: { app } },
    spec: {
      containers: [
        {
          name: app,
          image,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5 },
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "REGION", value: "eu-1" },
          ],
        },
      ],
    },
  };
}

function rollout(ns: string, i: number) {
  const app = `app-${i}`;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: app, namespace: ns, labels: { app, "bellwether.dev/app": app } },
    spec: {
      replicas: 5,
      revisionHistoryLimit: 2,
      selector: { matchLabels: { app } },
      template: podTemplate(app, `registry.example.com/${app}:1.0.${i % 7}`),
      strategy: {
        canary: {
          canaryService: `${app}-canary`,
          stableService: `${app}-stable`,
          steps: [
            { setWeight: 20 },
            { pause: { duration: "1m" } },
            { setWeight: 50 },
            { pause: {} },
            { setWeight: 80 },
          ],
        },
      },
    },
  };
}

function replicaSet(ns: string, i: number, r: number, owner: { name: string; uid: string }) {
  const app = `app-${i}`;
  const hash = `${(i * 31 + r).toString(36)}abc`;
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${app}-${hash}`,
      namespace: ns,
      labels: { app, "rollouts-pod-template-hash": hash },
      annotations: { "rollout.argoproj.io/revision": String(r + 1) },
      ownerReferences: [
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Rollout",
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: r === REPLICASETS_PER_ROLLOUT - 1 ? 5 : 0,
      selector: { matchLabels: { app, "rollouts-pod-template-hash": hash } },
      template: {
        ...podTemplate(app, `registry.example.com/${app}:1.0.${r}`),
        metadata: { labels: { app, "rollouts-pod-template-hash": hash } },
      },
    },
  };
}

/** Memory and in-process create rate for 10,000 Rollouts with 3 ReplicaSets each. */
async function memoryAndCreateRate(): Promise<BenchResult[]> {
  const sim = await startKubeSim({ clusters: ["mem"], controllers: false });
  const cluster = sim.cluster("mem");
  cluster.create(cluster.gvr("apiextensions.k8s.io", "v1", "customresourcedefinitions"), rolloutCrd());
  const namespaces = 20;
  for (let n = 0; n < namespaces; n++) {
    cluster.create(cluster.gvr("", "v1", "namespaces"), { metadata: { name: `team-${n}` } });
  }
  const rolloutsGvr = cluster.gvr("argoproj.io", "v1alpha1", "rollouts");
  const rsGvr = cluster.gvr("apps", "v1", "replicasets");
  const heapBefore = heapAfterGc();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let i = 0; i < ROLLOUTS; i++) {
    const ns = `team-${i % namespaces}`;
    const ro = cluster.create(rolloutsGvr, rollout(ns, i));
    for (let r = 0; r < REPLICASETS_PER_ROLLOUT; r++) {
      cluster.create(rsGvr, replicaSet(ns, i, r, { name: ro.metadata.name ?? "", uid: ro.metadata.uid ?? "" }));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const objects = ROLLOUTS * (1 + REPLICASETS_PER_ROLLOUT);
  const heapAfter = heapAfterGc();
  const rss = process.memoryUsage().rss;
  const listStart = performance.now();
  const listed = cluster.list(rsGvr, { namespace: "team-3", labelSelector: "app=app-3" }).items.length;
  const listMs = performance.now() - listStart;
  if (listed !== REPLICASETS_PER_ROLLOUT)
    throw new Error(`expected ${REPLICASETS_PER_ROLLOUT} ReplicaSets, listed ${listed}`);
  await sim.stop();
  const mib = 1024 * 1024;
  return [
    {
      name: "create rate, in-process (Rollouts + ReplicaSets)",
      value: Math.round(objects / seconds),
      unit: "objects/s",
    },
    {
      name: "heapUsed after GC, 10k Rollouts + 30k ReplicaSets",
      value: round((heapAfter - heapBefore) / mib),
      unit: "MiB",
    },
    { name: "heap per object", value: Math.round((heapAfter - heapBefore) / objects), unit: "bytes" },
    { name: "RSS with 10k Rollouts + 30k ReplicaSets", value: round(rss / mib), unit: "MiB" },
    { name: "RSS growth while loading", value: round((rss - rssBefore) / mib), unit: "MiB" },
    { name: "label-selected list in one namespace of 30k ReplicaSets", value: round(listMs, 2), unit: "ms" },
  ];
}

interface HttpTarget {
  host: string;
  port: number;
  prefix: string;
  token: string;
  agent: Agent;
}

function target(sim: KubeSim, cluster: KubeCluster, name: string): HttpTarget {
  const url = new URL(sim.url(name));
  return {
    host: url.hostname,
    port: Number(url.port),
    prefix: url.pathname,
    token: cluster.adminToken,
    agent: new Agent({ keepAlive: true, maxSockets: 64 }),
  };
}

function send(
  t: HttpTarget,
  method: string,
  path: string,
  body: unknown,
  contentType = "application/json",
): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: t.host,
        port: t.port,
        method,
        path: `${t.prefix}${path}`,
        agent: t.agent,
        headers: {
          authorization: `Bearer ${t.token}`,
          "content-type": contentType,
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Create rate over HTTP with 16 requests in flight. */
async function httpCreateRate(): Promise<BenchResult[]> {
  const sim = await startKubeSim({ clusters: ["http"], controllers: false });
  const t = target(sim, sim.cluster("http"), "http");
  const total = 4_000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const i = next++;
        const code = await send(t, "POST", "/api/v1/namespaces/default/configmaps", {
          metadata: { name: `cm-${i}`, labels: { app: `a${i % 10}` } },
          data: { key: "value".repeat(20) },
        });
        if (code !== 201) throw new Error(`create returned ${code}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  t.agent.destroy();
  await sim.stop();
  return [{ name: "create rate, HTTP (16 in flight)", value: Math.round(total / seconds), unit: "objects/s" }];
}

/** Starts the standalone emulator (`kube-sim`) in its own process, as the demo and agent benchmarks run it. */
/** CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function startStandalone(): Promise<{ target: HttpTarget; stop: () => void; cpuSeconds: () => number }> {
  const root = resolve(import.meta.dirname, "../..");
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-bench-"));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.KUBE_SIM_BENCH_PROFILE_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.KUBE_SIM_BENCH_PROFILE_DIR}`]
        : []),
      "--import",
      "tsx",
      join(root, "sim/src/main.ts"),
      "--clusters",
      "1",
      "--bare",
      "--kubeconfig-dir",
      dir,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolveLine(out.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`kube-sim exited with ${code}`)));
  });
  if (!line.includes("listening")) throw new Error(`unexpected kube-sim output: ${line}`);
  const kubeconfig = parseYaml(await readFile(join(dir, "cluster-1.yaml"), "utf8")) as {
    clusters: { cluster: { server: string } }[];
    users: { user: { token: string } }[];
  };
  const url = new URL(kubeconfig.clusters[0]?.cluster.server ?? "");
  return {
    target: {
      host: url.hostname,
      port: Number(url.port),
      prefix: url.pathname,
      token: kubeconfig.users[0]?.user.token ?? "",
      agent: new Agent({ keepAlive: true, maxSockets: 64 }),
    },
    cpuSeconds: () => cpuSecondsOf(child.pid),
    stop: () => {
      child.kill("SIGINT");
      void rm(dir, { recursive: true, force: true });
    },
  };
}

async function resourceVersionOf(t: HttpTarget, path: string): Promise<string> {
  return new Promise((resolveRv, reject) => {
    const req = httpRequest(
      {
        host: t.host,
        port: t.port,
        path: `${t.prefix}${path}`,
        agent: t.agent,
        headers: { authorization: `Bearer ${t.token}` },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () =>
          resolveRv((JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

interface WatcherReport {
  received: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * The watcher side of the latency benchmark, run in its own process (as agents are): `count` HTTP watches from
 * `resourceVersion`; each event's latency is its receipt time minus the `sentAt` the writer put in the object.
 */
async function runWatchers(t: HttpTarget, resourceVersion: string, count: number) {
  const latencies: number[] = [];
  let received = 0;
  const agent = new Agent({ keepAlive: false, maxSockets: count + 1 });
  const streams = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ close: () => void }>((resolveStream, reject) => {
          const req = httpRequest(
            {
              host: t.host,
              port: t.port,
              agent,
              path: `${t.prefix}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${resourceVersion}`,
              headers: { authorization: `Bearer ${t.token}` },
            },
            (res) => {
              let buffer = "";
              res.setEncoding("utf8");
              res.on("data", (chunk: string) => {
                const now = performance.timeOrigin + performance.now();
                buffer += chunk;
                let start = 0;
                let nl = buffer.indexOf("\n", start);
                while (nl >= 0) {
                  // Only the send time is needed; finding it by text keeps the watcher side cheap.
                  const m = /"sentAt":"([0-9.]+)"/.exec(buffer.slice(start, nl));
                  if (m) {
                    latencies.push(now - Number(m[1]));
                    received++;
                  }
                  start = nl + 1;
                  nl = buffer.indexOf("\n", start);
                }
                buffer = buffer.slice(start);
              });
              resolveStream({ close: () => req.destroy() });
            },
          );
          req.on("error", reject);
          req.end();
        }),
    ),
  );
  return {
    received: () => received,
    report(): WatcherReport {
      latencies.sort((a, b) => a - b);
      return {
        received,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? Number.NaN,
      };
    },
    close() {
      for (const s of streams) s.close();
      agent.destroy();
    },
  };
}

/** Child-process entry: opens the watchers, says "ready", reports once the parent says how many to expect. */
async function watcherProcess(): Promise<void> {
  const t: HttpTarget = JSON.parse(process.env.KUBE_SIM_BENCH_TARGET ?? "{}");
  const watchers = await runWatchers(
    { ...t, agent: new Agent() },
    process.env.KUBE_SIM_BENCH_RV ?? "",
    Number(process.env.KUBE_SIM_BENCH_WATCHERS_IN_CHILD ?? WATCHERS),
  );
  process.send?.({ ready: true });
  process.once("message", async (msg: { expected: number }) => {
    const deadline = Date.now() + 15_000;
    while (watchers.received() < msg.expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const report = watchers.report();
    watchers.close();
    process.send?.({ report }, () => process.exit(0));
  });
}

/**
 * 100 HTTP watchers (one process) and a writer patching over HTTP at 1,000 writes/s (this process) against a
 * standalone emulator (a third process). Latency = write sent → event line read by a watcher.
 */
export async function watchLatency(): Promise<BenchResult[]> {
  const standalone = await startStandalone();
  const t = standalone.target;
  const objects = 200;
  for (let i = 0; i < objects; i++) {
    const code = await send(t, "POST", "/api/v1/namespaces/default/configmaps", {
      metadata: { name: `w-${i}` },
      data: { seq: "0" },
    });
    if (code !== 201) throw new Error(`seeding returned ${code}`);
  }
  const startRv = await resourceVersionOf(t, "/api/v1/namespaces/default/configmaps?limit=1");
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", fileURLToPath(import.meta.url)], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      KUBE_SIM_BENCH_ROLE: "watchers",
      KUBE_SIM_BENCH_RV: startRv,
      KUBE_SIM_BENCH_WATCHERS_IN_CHILD: String(WATCHERS),
      KUBE_SIM_BENCH_TARGET: JSON.stringify({ host: t.host, port: t.port, prefix: t.prefix, token: t.token }),
    },
  });
  const messages: { ready?: boolean; report?: WatcherReport }[] = [];
  let notify = () => {};
  child.on("message", (m: { ready?: boolean; report?: WatcherReport }) => {
    messages.push(m);
    notify();
  });
  const nextMessage = async (want: "ready" | "report") => {
    for (;;) {
      const found = messages.find((m) => m[want] !== undefined);
      if (found) return found;
      await new Promise<void>((r) => {
        notify = r;
      });
    }
  };
  await nextMessage("ready");
  const total = WRITES_PER_SECOND * WRITE_SECONDS;
  const tickMs = 10;
  const perTick = (WRITES_PER_SECOND * tickMs) / 1000;
  let sent = 0;
  let failed = 0;
  const writeLatencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  const cpuBefore = standalone.cpuSeconds();
  const t0 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / tickMs + 1) * perTick));
    while (sent < due) {
      const i = sent++;
      const sentAt = performance.now();
      const p = send(
        t,
        "PATCH",
        `/api/v1/namespaces/default/configmaps/w-${i % objects}`,
        { data: { seq: String(i), sentAt: String(performance.timeOrigin + performance.now()) } },
        "application/merge-patch+json",
      ).then(
        (code) => {
          if (code !== 200) failed++;
          writeLatencies.push(performance.now() - sentAt);
        },
        () => {
          failed++;
        },
      );
      inflight.add(p);
      p.finally(() => inflight.delete(p));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inflight);
  const writeSeconds = (performance.now() - t0) / 1000;
  const expected = total * WATCHERS;
  child.send({ expected });
  const serverCpuShare = (standalone.cpuSeconds() - cpuBefore) / writeSeconds;
  const report = (await nextMessage("report")).report as WatcherReport;
  t.agent.destroy();
  standalone.stop();
  writeLatencies.sort((a, b) => a - b);
  return [
    { name: "writes achieved (target 1,000/s)", value: Math.round(total / writeSeconds), unit: "writes/s" },
    { name: "failed writes", value: failed, unit: "count", target: "0", ok: failed === 0 },
    {
      name: "watch events delivered / expected",
      value: round((report.received / expected) * 100, 2),
      unit: "%",
      target: "100",
      ok: report.received === expected,
    },
    { name: "watch event latency p50 (100 watchers, 1,000 writes/s)", value: round(report.p50, 2), unit: "ms" },
    {
      name: "watch event latency p99 (100 watchers, 1,000 writes/s)",
      value: round(report.p99, 2),
      unit: "ms",
      target: "<= 100",
      ok: report.p99 <= 100,
    },
    { name: "write (PATCH) latency p99", value: round(percentile(writeLatencies, 99), 2), unit: "ms" },
    { name: "watch event latency max", value: round(report.max, 2), unit: "ms" },
    // Independent of how busy the host is: what the emulator itself needs for this load.
    {
      name: "emulator CPU at 1,000 writes/s with 100 watchers",
      value: round(serverCpuShare * 100, 1),
      unit: "% of a core",
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const results = [...(await memoryAndCreateRate()), ...(await httpCreateRate()), ...(await watchLatency())];
  // The machine is shared; the load says how much of the 2 cores the numbers above actually had.
  results.push({
    name: "host load average (1 min) after the run",
    value: round(loadavg()[0] ?? 0, 2),
    unit: "runnable",
  });
  return results;
}

if (process.env.KUBE_SIM_BENCH_ROLE === "watchers") {
  await watcherProcess();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run();
  console.log(JSON.stringify(results, null, 2));
  console.table(
    results.map((r) => ({
      name: r.name,
      value: r.value,
      unit: r.unit,
      target: r.target ?? "",
      ok: r.ok === undefined ? "" : r.ok ? "yes" : "NO",
    })),
  );
}
