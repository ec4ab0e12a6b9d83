import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus (the Debian package) scraping the emulator, for tests. */
export interface PrometheusServer {
  url: string;
  /** Instant query; throws with Prometheus' error text when it fails. */
  query(expr: string): Promise<PrometheusSample[]>;
  /** Throws when the process has died, with its last log lines. */
  assertRunning(): void;
  stop(): Promise<void>;
}

/** The prometheus binary on PATH or in /usr/bin; a clear error (never a skip) when it is not installed. */
export function prometheusBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter).concat("/usr/bin")) {
    const candidate = join(dir, "prometheus");
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    "the prometheus binary was not found on PATH or in /usr/bin: install the Debian package `prometheus` " +
      "(apt-get install prometheus; .ci/run does); this test needs a real Prometheus and is never skipped",
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Prometheus on 127.0.0.1 with a 1 s scrape of `target` (host:port) at `metricsPath`, job `kube-sim`.
 * Callers wait for `up == 1` by polling `query`; the first samples take about 6 s (target discovery is throttled).
 */
export async function startPrometheus(target: string, metricsPath = "/_sim/metrics"): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), "bw-prometheus-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: kube-sim",
      `    metrics_path: ${metricsPath}`,
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data?: { result: PrometheusSample[] }; error?: string };
      if (body.status !== "success") throw new Error(`query failed: ${body.error}`);
      return body.data?.result ?? [];
    },
    assertRunning() {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited: ${log}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
