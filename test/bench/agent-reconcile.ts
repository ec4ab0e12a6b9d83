/**
 * Agent at scale: N canary Rollouts (default 2,000; BW_BENCH_AGENT_ROLLOUTS=10000 for the design target) in one
 * emulated cluster. Measures the initial deploy and a fleet-wide image update (every Rollout through setWeight
 * 50 → setWeight 100), reporting reconcile handler time (p50/p99, without queue wait — design §7), wall time until
 * all are Healthy, API requests made, and memory (heap after GC and RSS of the process, which also holds the
 * emulator).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Rollout } from "@bellwether/core";
import { startKubeSim } from "@bellwether/kube-sim";
import { pino } from "pino";
import { Agent } from "../../agent/src/controller/agent.ts";
import { KubeClient } from "../../agent/src/kube/kube-client.ts";
import { argoKinds, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { installCrds } from "../support/agent-harness.ts";
import type { BenchResult } from "./bench-result.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function run(): Promise<BenchResult[]> {
  const n = Number(process.env.BW_BENCH_AGENT_ROLLOUTS ?? 2000);
  const sim = await startKubeSim({ clusters: ["bench-1"], historySize: 5_000 });
  const client = new KubeClient(sim.kubeConfig("bench-1"));
  await installCrds(client);
  const handler: number[] = [];
  const state = new Map<string, boolean>();
  let requests = 0;
  const agent = new Agent({
    kubeConfig: sim.kubeConfig("bench-1"),
    logger: pino({ level: "silent" }),
    workers: 8,
    onReconciled: (_k, ms) => handler.push(ms),
  });
  agent.metrics.k8sRequests.reset();
  agent.onRound(({ rollout, status }) => {
    const image = rollout.spec.template?.spec?.containers?.[0]?.image ?? "";
    const healthy = status.phase === "Healthy" && status.stableRS === status.currentPodHash;
    state.set(`${rollout.metadata.name}|${image}`, healthy);
  });
  await agent.start();
  await agent.ready();
  const rollouts = argoKinds().rollouts;
  const names = Array.from({ length: n }, (_, i) => `app-${i}`);
  const manifest = (name: string, image: string): Rollout => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name, namespace: "default" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { "kube-sim.bellwether.dev/ready-delay-ms": "10" } },
        spec: { containers: [{ name: "app", image }] },
      },
      strategy: { canary: { steps: [{ setWeight: 50 }, { setWeight: 100 }] } },
    },
  });
  // Progress comes from the agent's own rounds (listing 10k objects every poll would load the shared thread).
  const allHealthy = async (image: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let done = 0;
      for (const name of names) if (state.get(`${name}|${image}`)) done++;
      process.stderr.write(`\r  ${done}/${n} healthy on ${image}   `);
      if (done === n) break;
      if (Date.now() > deadline) throw new Error(`only ${done}/${n} healthy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    process.stderr.write("\n");
  };
  const countRequests = async () => (await agent.metrics.k8sRequests.get()).values.reduce((s, v) => s + v.value, 0);

  const t0 = performance.now();
  await pool(names, 32, (name) => client.create(resourcePath(rollouts, "default"), manifest(name, "app:1")));
  await allHealthy("app:1", 600_000);
  const deployMs = performance.now() - t0;
  const deployHandler = handler.splice(0);
  requests = await countRequests();

  const t1 = performance.now();
  await pool(names, 32, (name) =>
    client.patch(resourcePath(rollouts, "default", name), {
      spec: { template: { spec: { containers: [{ name: "app", image: "app:2" }] } } },
    }),
  );
  await allHealthy("app:2", 900_000);
  const updateMs = performance.now() - t1;
  const updateHandler = handler.splice(0);
  const updateRequests = (await countRequests()) - requests;

  gc();
  const mem = process.memoryUsage();
  await agent.stop();
  await sim.stop();
  const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  return [
    { name: `initial deploy of ${n} Rollouts to Healthy`, value: Math.round(deployMs), unit: "ms" },
    { name: "reconcile handler p50 (deploy)", value: percentile(deployHandler, 50), unit: "ms" },
    { name: "reconcile handler p99 (deploy)", value: percentile(deployHandler, 99), unit: "ms" },
    { name: `image update of ${n} Rollouts through 2 steps to Healthy`, value: Math.round(updateMs), unit: "ms" },
    { name: "reconcile handler p50 (update)", value: percentile(updateHandler, 50), unit: "ms" },
    { name: "reconcile handler p99 (update)", value: percentile(updateHandler, 99), unit: "ms" },
    {
      name: "reconciles per Rollout (update)",
      value: Math.round((updateHandler.length / n) * 10) / 10,
      unit: "rounds",
    },
    { name: "API requests per Rollout (update)", value: Math.round((updateRequests / n) * 10) / 10, unit: "requests" },
    { name: "heap used after GC (agent + emulator)", value: mib(mem.heapUsed), unit: "MiB" },
    { name: "RSS (agent + emulator)", value: mib(mem.rss), unit: "MiB" },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
