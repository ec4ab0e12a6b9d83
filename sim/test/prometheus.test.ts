import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import { SIM, startSimWithControllers, until, versionReplicaSet } from "./controllers-support.ts";

const STABLE = "6d8c4f7b9";
const CANARY = "9b7d5c8f4";

function findPrometheus(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter).concat("/usr/bin")) {
    const candidate = join(dir, "prometheus");
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    "the prometheus binary was not found on PATH or in /usr/bin: install the Debian package `prometheus` " +
      "(apt-get install prometheus); this test needs a real Prometheus and is never skipped",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

let sim: KubeSim;
let prometheus: ChildProcess | undefined;
let promUrl = "";
let dataDir = "";
let promLog = "";

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<Sample[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data?: { result: Sample[] }; error?: string };
  if (body.status !== "success") throw new Error(`query failed: ${body.error}`);
  return body.data?.result ?? [];
}

beforeAll(async () => {
  const binary = findPrometheus();
  sim = await startSimWithControllers({ clusters: ["eu-1", "us-1"] });
  const kc = sim.kubeConfig("eu-1");
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "prom" } } });
  await apps.createNamespacedReplicaSet({
    namespace: "prom",
    body: versionReplicaSet(`web-${STABLE}`, "web", STABLE, 3, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
  });
  await apps.createNamespacedReplicaSet({
    namespace: "prom",
    body: versionReplicaSet(`web-${CANARY}`, "web", CANARY, 1, {
      [`${SIM}/ready-delay-ms`]: "0",
      [`${SIM}/error-rate`]: "0.3",
    }) as k8s.V1ReplicaSet,
  });
  await core.createNamespacedService({
    namespace: "prom",
    body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
  });
  await until(async () => {
    const e = await core.readNamespacedEndpoints({ namespace: "prom", name: "web" });
    return e.subsets?.[0]?.addresses?.length === 4;
  }, "four ready endpoints");
  sim.dataPlane.setTraffic("eu-1", { namespace: "prom", service: "web", rps: 400 });

  dataDir = await mkdtemp(join(tmpdir(), "kube-sim-prom-"));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  const simAddress = new URL(sim.baseUrl).host;
  await writeFile(
    join(dataDir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: kube-sim",
      "    metrics_path: /_sim/metrics",
      "    static_configs:",
      `      - targets: ["${simAddress}"]`,
      "",
    ].join("\n"),
  );
  prometheus = spawn(
    binary,
    [
      `--config.file=${join(dataDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dataDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  prometheus.stderr?.on("data", (chunk: Buffer) => {
    promLog = (promLog + chunk.toString()).slice(-4_000);
  });
}, 60_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once("exit", resolve));
    prometheus.kill("SIGTERM");
    await exited;
  }
  await sim?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("a real Prometheus scraping the emulator", () => {
  it("answers an error-rate query for the bad version", async () => {
    // The first samples need ~6 s (target discovery is throttled); poll `up`, never sleep a fixed time.
    await until(
      async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited: ${promLog}`);
        const up = await query('up{job="kube-sim"}');
        return up[0]?.value[1] === "1";
      },
      "up == 1 for the kube-sim target",
      30_000,
    );
    const rate = (hash: string, codes: string) =>
      `sum(rate(http_requests_total{cluster="eu-1",namespace="prom",service="web",rollouts_pod_template_hash="${hash}",code=~"${codes}"}[5s]))`;
    const errorRate = (hash: string) => `(${rate(hash, "5..")} or vector(0)) / ${rate(hash, ".*")}`;
    const canary = await until(
      async () => {
        const r = await query(errorRate(CANARY));
        const v = Number(r[0]?.value[1]);
        return Number.isFinite(v) && v > 0 && v;
      },
      "an error rate for the canary version",
      30_000,
    );
    expect(canary).toBeGreaterThan(0.25);
    expect(canary).toBeLessThan(0.35);
    const stable = Number((await query(errorRate(STABLE)))[0]?.value[1]);
    expect(stable).toBe(0);
    // Requests split 3:1 by ready pods, so the stable version serves three times the canary's traffic.
    const ratio = Number((await query(`${rate(STABLE, ".*")} / ${rate(CANARY, ".*")}`))[0]?.value[1]);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
  }, 90_000);
});
