import type { AnalysisRun, Metric } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argoKinds, builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";
import { eventually } from "../support/eventually.ts";
import { freePort, type PrometheusServer, startPrometheus } from "../support/prometheus-server.ts";

const NS = "default";
const GOOD = "5c7f9d8b6";
const BAD = "8d6b4f7c9";
const SIM = "kube-sim.bellwether.dev";
const runs = argoKinds().analysisRuns;

function versionSet(hash: string, annotations: Record<string, string>) {
  const labels = { app: "web", "rollouts-pod-template-hash": hash };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: `web-${hash}`, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [`${SIM}/ready-delay-ms`]: "0", ...annotations } },
        spec: { containers: [{ name: "web", image: `registry.example/web:${hash}` }] },
      },
    },
  };
}

describe("AnalysisRun controller end to end (emulated cluster, real providers)", () => {
  let w: AgentWorld;
  let prometheus: PrometheusServer | undefined;
  let promUrl = "";

  const versionUrl = (hash: string) =>
    `${w.sim.baseUrl}/_sim/clusters/${w.cluster}/versions/${hash}?namespace=${NS}&service=web`;

  async function createRun(name: string, metrics: Metric[], extra: Partial<AnalysisRun["spec"]> = {}) {
    return w.client.create<AnalysisRun>(resourcePath(runs, NS), {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AnalysisRun",
      metadata: { name },
      spec: { metrics, ...extra },
    });
  }

  const getRun = (name: string) => w.client.get<AnalysisRun>(resourcePath(runs, NS, name));

  async function completed(name: string, timeoutMs = 20_000): Promise<AnalysisRun> {
    let last: AnalysisRun | undefined;
    try {
      return await eventually(
        async () => {
          last = await getRun(name);
          const phase = last.status?.phase;
          return phase && phase !== "Running" && phase !== "Pending" ? last : undefined;
        },
        `AnalysisRun ${name} to complete`,
        timeoutMs,
        100,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status)}`);
    }
  }

  async function eventReasons(name: string): Promise<string[]> {
    const list = await w.client.get<{ items: Array<{ reason: string; involvedObject: { name: string } }> }>(
      resourcePath(builtins.events, NS),
    );
    return list.items.filter((e) => e.involvedObject.name === name).map((e) => e.reason);
  }

  async function promQuery(expr: string): Promise<Array<{ value: [number, string] }>> {
    return (await prometheus?.query(expr).catch(() => [])) ?? [];
  }

  beforeAll(async () => {
    w = await startAgentWorld();
    await w.client.create(resourcePath(builtins.replicaSets, NS), versionSet(GOOD, {}));
    await w.client.create(resourcePath(builtins.replicaSets, NS), versionSet(BAD, { [`${SIM}/error-rate`]: "0.5" }));
    await w.client.create(resourcePath(builtins.services, NS), {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    });
    await w.client.create(resourcePath(builtins.secrets, NS), {
      metadata: { name: "analysis-args" },
      data: { hash: Buffer.from(GOOD).toString("base64") },
    });
    w.sim.dataPlane.setTraffic(w.cluster, { namespace: NS, service: "web", rps: 200 });
    await eventually(async () => {
      const bad = (await (await fetch(versionUrl(BAD))).json()) as { requests: number };
      return bad.requests > 0;
    }, "traffic reaching the bad version");

    prometheus = await startPrometheus(new URL(w.sim.baseUrl).host);
    promUrl = prometheus.url;
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await w?.stop();
  });

  it("Web: a good version (URL from a secretKeyRef argument) is Successful after `count` measurements", async () => {
    await createRun(
      "web-good",
      [
        {
          name: "error-rate",
          interval: "1s",
          count: 3,
          successCondition: "result <= 0.05",
          provider: {
            web: {
              url: `${w.sim.baseUrl}/_sim/clusters/${w.cluster}/versions/{{args.hash}}?namespace=${NS}&service=web`,
              jsonPath: "{$.errorRate}",
              headers: [{ key: "X-Check", value: "analysis" }],
            },
          },
        },
      ],
      { args: [{ name: "hash", valueFrom: { secretKeyRef: { name: "analysis-args", key: "hash" } } }] },
    );
    const run = await completed("web-good");
    expect(run.status?.phase).toBe("Successful");
    const result = run.status?.metricResults?.[0];
    expect(result).toMatchObject({ name: "error-rate", phase: "Successful", count: 3, successful: 3 });
    expect(result?.measurements?.map((m) => [m.phase, m.value])).toEqual([
      ["Successful", "0"],
      ["Successful", "0"],
      ["Successful", "0"],
    ]);
    // Each measurement starts at least `interval` after the previous one finished.
    const ms = result?.measurements ?? [];
    for (let i = 1; i < ms.length; i++) {
      expect(Date.parse(ms[i]?.startedAt ?? "") - Date.parse(ms[i - 1]?.finishedAt ?? "")).toBeGreaterThanOrEqual(1000);
    }
    expect(run.status?.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
    expect(run.status?.startedAt).toBeDefined();
    expect(run.status?.completedAt).toBeDefined();
    // The secret's value never lands in status.
    expect(JSON.stringify(run.status)).not.toContain(GOOD);
    await eventually(async () => {
      const reasons = await eventReasons("web-good");
      return ["AnalysisRunRunning", "MetricSuccessful", "AnalysisRunSuccessful"].every((r) => reasons.includes(r));
    }, "Argo's events for web-good");
  });

  it("Web: a bad version is Failed once failed > failureLimit, before `count` is reached", async () => {
    await createRun("web-bad", [
      {
        name: "error-rate",
        interval: "1s",
        count: 5,
        failureLimit: 1,
        successCondition: "result <= 0.05",
        provider: { web: { url: versionUrl(BAD), jsonPath: "{$.errorRate}" } },
      },
    ]);
    const run = await completed("web-bad");
    expect(run.status?.phase).toBe("Failed");
    expect(run.status?.message).toBe('Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)');
    const result = run.status?.metricResults?.[0];
    expect(result).toMatchObject({ phase: "Failed", count: 2, failed: 2 });
    // The value is the JSON of what the JSONPath selected: the bad version's error rate (its pods answer 50% errors).
    const values = result?.measurements?.map((m) => Number(m.value)) ?? [];
    expect(values).toHaveLength(2);
    for (const v of values) {
      expect(v).toBeGreaterThan(0.4);
      expect(v).toBeLessThan(0.6);
    }
    await eventually(async () => (await eventReasons("web-bad")).includes("AnalysisRunFailed"), "AnalysisRunFailed");
    expect(await eventReasons("web-bad")).toContain("MetricFailed");
  });

  it("Job: a Job template marked to fail makes the run Failed; the default Job makes it Successful", async () => {
    const jobMetric = (name: string, annotations: Record<string, string>): Metric => ({
      name,
      provider: {
        job: {
          metadata: { labels: { check: name } },
          spec: {
            backoffLimit: 0,
            template: {
              metadata: { annotations: { [`${SIM}/job-duration-ms`]: "200", ...annotations } },
              spec: { restartPolicy: "Never", containers: [{ name: "check", image: "registry.example/check:1" }] },
            },
          },
        },
      },
    });
    const failing = await createRun("job-fail", [jobMetric("smoke", { [`${SIM}/job-result`]: "fail" })]);
    await createRun("job-pass", [jobMetric("smoke", {})]);
    const [failed, passed] = await Promise.all([completed("job-fail"), completed("job-pass")]);
    expect(failed.status?.phase).toBe("Failed");
    expect(passed.status?.phase).toBe("Successful");
    const m = failed.status?.metricResults?.[0]?.measurements?.[0];
    const jobName = `${failing.metadata?.uid}.smoke.1`;
    expect(m).toMatchObject({ phase: "Failed", metadata: { "job-name": jobName, "job-namespace": NS } });
    expect(m?.startedAt).toBeDefined();
    expect(m?.finishedAt).toBeDefined();
    const job = await w.client.get<{
      metadata: { labels: Record<string, string>; annotations: Record<string, string>; ownerReferences: unknown[] };
    }>(resourcePath(builtins.jobs, NS, jobName));
    expect(job.metadata.labels).toMatchObject({ "analysisrun.argoproj.io/uid": failing.metadata?.uid, check: "smoke" });
    expect(job.metadata.annotations).toMatchObject({
      "analysisrun.argoproj.io/name": "job-fail",
      "analysisrun.argoproj.io/namespace": NS,
      "analysisrun.argoproj.io/metric-name": "smoke",
    });
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "AnalysisRun", name: "job-fail", uid: failing.metadata?.uid, controller: true }),
    ]);
  });

  it("Prometheus: a real Prometheus scraping the emulator measures the bad version's error rate → Failed", async () => {
    await eventually(
      async () => {
        prometheus?.assertRunning();
        return (await promQuery('up{job="kube-sim"}'))[0]?.value[1] === "1";
      },
      "Prometheus up == 1 for the emulator",
      40_000,
      250,
    );
    const sel = (codes: string) =>
      `http_requests_total{cluster="${w.cluster}",namespace="${NS}",service="web",rollouts_pod_template_hash="${BAD}",code=~"${codes}"}`;
    const query = `sum(rate(${sel("5..")}[5s])) / sum(rate(${sel(".*")}[5s]))`;
    // rate() needs two samples; start the run once Prometheus has them, never after a fixed sleep.
    await eventually(async () => (await promQuery(query)).length > 0, "two scrapes of the bad version", 30_000, 250);
    await createRun("prom-bad", [
      {
        name: "error-rate",
        successCondition: "result[0] < 0.1",
        provider: { prometheus: { address: promUrl, query } },
      },
    ]);
    const run = await completed("prom-bad");
    expect(run.status?.phase).toBe("Failed");
    const result = run.status?.metricResults?.[0];
    expect(result?.metadata).toEqual({ ResolvedPrometheusQuery: query });
    const value = result?.measurements?.[0]?.value ?? "";
    expect(value).toMatch(/^\[[0-9.]+\]$/);
    const rate = Number(value.slice(1, -1));
    expect(rate).toBeGreaterThan(0.4);
    expect(rate).toBeLessThan(0.6);
    expect(run.status?.message).toBe('Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)');
  }, 90_000);

  it("terminate: an open-ended run stops measuring and takes its phase from what was measured", async () => {
    await createRun("terminate-me", [
      {
        name: "error-rate",
        interval: "1s",
        successCondition: "result <= 0.05",
        provider: { web: { url: versionUrl(GOOD), jsonPath: "{$.errorRate}" } },
      },
    ]);
    await eventually(
      async () => ((await getRun("terminate-me")).status?.metricResults?.[0]?.count ?? 0) >= 2,
      "two measurements",
    );
    await w.client.patch(resourcePath(runs, NS, "terminate-me"), { spec: { terminate: true } });
    const run = await completed("terminate-me");
    expect(run.status?.phase).toBe("Successful");
    expect(run.status?.message).toBe("Run Terminated");
    const taken = run.status?.metricResults?.[0]?.count ?? 0;
    expect(taken).toBeGreaterThanOrEqual(2);
    // Longer than two intervals: a run still measuring would have added measurements by now.
    await new Promise((r) => setTimeout(r, 2_500));
    const later = await getRun("terminate-me");
    expect(later.status?.metricResults?.[0]?.count).toBe(taken);
    expect(later.status?.metricResults?.[0]?.measurements).toHaveLength(
      run.status?.metricResults?.[0]?.measurements?.length ?? -1,
    );
  });

  it("terminate with a Job measurement in flight deletes the Job and ends the measurement as Argo does", async () => {
    const created = await createRun("terminate-job", [
      {
        name: "long-check",
        provider: {
          job: {
            spec: {
              backoffLimit: 0,
              template: {
                metadata: { annotations: { [`${SIM}/job-duration-ms`]: "600000" } },
                spec: { restartPolicy: "Never", containers: [{ name: "check", image: "registry.example/check:1" }] },
              },
            },
          },
        },
      },
    ]);
    const jobName = `${created.metadata?.uid}.long-check.1`;
    await eventually(
      async () => (await getRun("terminate-job")).status?.metricResults?.[0]?.measurements?.[0]?.phase === "Running",
      "a running Job measurement",
    );
    await w.client.get(resourcePath(builtins.jobs, NS, jobName));
    await w.client.patch(resourcePath(runs, NS, "terminate-job"), { spec: { terminate: true } });
    const run = await completed("terminate-job");
    expect(run.status?.phase).toBe("Successful");
    expect(run.status?.message).toBe("Run Terminated");
    expect(run.status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: "Successful",
      message: "Metric Terminated",
      metadata: { "job-name": jobName },
    });
    await eventually(async () => {
      try {
        await w.client.get(resourcePath(builtins.jobs, NS, jobName));
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    }, "the measurement's Job deleted");
  });

  it("provider down: Error measurements until consecutiveErrors > consecutiveErrorLimit, then the run is Error", async () => {
    const closed = await freePort();
    await createRun("web-down", [
      {
        name: "reachable",
        interval: "1s",
        count: 3,
        consecutiveErrorLimit: 1,
        successCondition: "result == 0",
        provider: { web: { url: `http://127.0.0.1:${closed}/rate`, jsonPath: "{$.rate}" } },
      },
    ]);
    // Argo retries an Error measurement after 10 s whatever the interval, so the second error comes ~10 s later.
    const run = await completed("web-down", 40_000);
    expect(run.status?.phase).toBe("Error");
    const result = run.status?.metricResults?.[0];
    expect(result).toMatchObject({ phase: "Error", error: 2, consecutiveError: 2 });
    expect(result?.count ?? 0).toBe(0);
    expect(result?.measurements?.every((m) => m.phase === "Error" && /ECONNREFUSED/.test(m.message ?? ""))).toBe(true);
    expect(run.status?.message).toMatch(
      /^Metric "reachable" assessed Error due to consecutiveErrors \(2\) > consecutiveErrorLimit \(1\): "Error Message: request to .* failed: ECONNREFUSED"$/,
    );
  }, 60_000);

  it("an invalid spec is an Error run with Argo's message and no measurement", async () => {
    await createRun("bad-spec", [{ name: "m", count: 3, provider: { web: { url: versionUrl(GOOD) } } }]);
    const run = await completed("bad-spec");
    expect(run.status?.phase).toBe("Error");
    expect(run.status?.message).toMatch(/^Analysis spec invalid: metrics\[0\]: /);
    expect(run.status?.metricResults ?? []).toEqual([]);
  });
});
