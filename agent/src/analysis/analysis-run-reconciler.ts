import { createHash } from "node:crypto";
import {
  type AnalysisEvent,
  type AnalysisRun,
  type AnalysisRunStatus,
  AnalysisSpecError,
  assessRunStatus,
  dryRunMetricNames,
  isCompletedPhase,
  type Measurement,
  type Metric,
  type MetricResult,
  measurementRetentionLimits,
  planMeasurements,
  recordMeasurement,
  resolveMetricArgs,
  resolveMetricsWithoutSecrets,
  trimMeasurements,
  validateMetrics,
} from "@bellwether/core";
import { mergePatchDiff } from "../commands/merge-patch-diff.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { splitKey } from "../kube/kube-object.ts";
import { apiVersionOf, type ResourceRef, resourcePath } from "../kube/resource-ref.ts";
import type { Logger } from "../observability/logger.ts";
import type { EventRecorder, InvolvedObject } from "../rollout/event-recorder.ts";
import type { ReconcileResult } from "../runtime/reconcile-loop.ts";
import { JobProvider } from "./job-provider.ts";
import { kubeTime, type MeasurementContext, type MetricProvider } from "./metric-provider.ts";
import { PrometheusProvider } from "./prometheus-provider.ts";
import { ProviderError } from "./provider-error.ts";
import { resolveSecretArgs } from "./resolve-secret-args.ts";
import { WebProvider } from "./web-provider.ts";

export interface AnalysisRunReconcilerOptions {
  client: KubeClient;
  analysisRunKind: ResourceRef;
  events: EventRecorder;
  logger: Logger;
  /** Providers by their key under `metric.provider`; Prometheus, Web and Job by default. */
  providers?: MetricProvider[];
  now?: () => number;
}

/** What one round wrote, for tests and benchmarks. */
export interface AnalysisRunRound {
  key: string;
  status: AnalysisRunStatus;
  measured: number;
}

/** Whether the spec fails Argo's checks before measuring (assessRunStatus then gives the Error and its message). */
function specProblem(run: AnalysisRun): boolean {
  try {
    const metrics = resolveMetricsWithoutSecrets(
      Array.isArray(run.spec?.metrics) ? run.spec.metrics : [],
      run.spec?.args ?? [],
    );
    if (validateMetrics(metrics) !== undefined) return true;
    dryRunMetricNames(run.spec.dryRun, metrics);
    measurementRetentionLimits(run.spec.measurementRetention, metrics);
    return false;
  } catch (e) {
    if (e instanceof AnalysisSpecError) return true;
    throw e;
  }
}

/**
 * Level-based reconcile of one AnalysisRun (Argo's `analysis/analysis.go`): re-reads the run, takes the measurements
 * core's plan says are due through the metric providers, records them, assesses metric and run phases with core,
 * writes status once (merge patch, resourceVersion precondition), records Argo's events and asks to be requeued
 * exactly when the next measurement is due.
 */
export class AnalysisRunReconciler {
  readonly rounds: Array<(r: AnalysisRunRound) => void> = [];
  private readonly o: AnalysisRunReconcilerOptions;
  private readonly providers: Map<string, MetricProvider>;
  private readonly now: () => number;

  constructor(options: AnalysisRunReconcilerOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
    const providers = options.providers ?? [
      new PrometheusProvider(),
      new WebProvider(),
      new JobProvider(options.client),
    ];
    this.providers = new Map(providers.map((p) => [p.type, p]));
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const { namespace, name } = splitKey(key);
    const path = resourcePath(this.o.analysisRunKind, namespace, name);
    let run: AnalysisRun;
    try {
      run = await this.o.client.get<AnalysisRun>(path);
    } catch (e) {
      if (KubeApiError.isNotFound(e)) return undefined;
      throw e;
    }
    if (isCompletedPhase(run.status?.phase)) return undefined;
    const nowMs = this.now();
    const now = kubeTime(nowMs);
    const original = run.status ?? {};
    const status: AnalysisRunStatus = { ...original };
    const events: AnalysisEvent[] = [];
    if (!status.startedAt) status.startedAt = now;
    if (status.phase !== "Running") {
      events.push({ type: "Normal", reason: "AnalysisRunRunning", message: "Analysis Started" });
    }
    let working: AnalysisRun = { ...run, status };
    let measured = 0;

    if (!specProblem(working)) {
      let metrics: Metric[] | undefined;
      try {
        const args = await resolveSecretArgs(this.o.client, namespace ?? "default", run.spec.args);
        metrics = run.spec.metrics.map((m) => resolveMetricArgs(m, args));
      } catch (e) {
        if (!(e instanceof AnalysisSpecError)) throw e;
        return this.finish(
          run,
          path,
          { ...status, phase: "Error", message: `Unable to resolve metric arguments: ${e.message}`, completedAt: now },
          [...events, { type: "Warning", reason: "AnalysisRunError", message: "Analysis Completed. Result: Error" }],
          0,
          null,
        );
      }
      const plan = planMeasurements(working, nowMs);
      const dryRun = dryRunMetricNames(run.spec.dryRun, metrics);
      const limits = measurementRetentionLimits(run.spec.measurementRetention, metrics);
      const taken = await Promise.all(
        plan.tasks.map(async (task) => {
          const metric = metrics.find((m) => m.name === task.metric.name) ?? task.metric;
          return { task, metric, measurement: await this.measure(working, metric, task.incomplete, task.terminate) };
        }),
      );
      const results = [...(status.metricResults ?? [])];
      for (const { task, metric, measurement } of taken) {
        const index = results.findIndex((r) => r.name === metric.name);
        let result: MetricResult = recordMeasurement(
          index >= 0 ? results[index] : undefined,
          metric.name,
          measurement,
          {
            replaceLast: task.incomplete !== undefined,
            terminated: task.terminate === true,
            dryRun: dryRun.has(metric.name),
            now: kubeTime(this.now()),
          },
        );
        if (metric.provider.prometheus && typeof metric.provider.prometheus === "object") {
          const query = (metric.provider.prometheus as { query?: unknown }).query;
          if (typeof query === "string") result.metadata = { ...result.metadata, ResolvedPrometheusQuery: query };
        }
        result = trimMeasurements(result, limits.get(metric.name) ?? 10);
        if (index >= 0) results[index] = result;
        else results.push(result);
        measured++;
      }
      // Keep the spec's order, as Argo's status does.
      const order = new Map(run.spec.metrics.map((m, i) => [m.name, i]));
      results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
      status.metricResults = results;
      working = { ...run, status };
    }

    const assessment = assessRunStatus(working);
    status.phase = assessment.phase;
    status.metricResults = assessment.metricResults;
    status.runSummary = assessment.runSummary;
    status.dryRunSummary = assessment.dryRunSummary;
    if (assessment.message) status.message = assessment.message;
    else delete status.message;
    if (status.metricResults.length === 0) delete status.metricResults;
    events.push(...assessment.events);
    let requeueAfterMs: number | null = null;
    if (isCompletedPhase(assessment.phase)) status.completedAt ??= kubeTime(this.now());
    else requeueAfterMs = planMeasurements({ ...run, status }, this.now()).requeueAfterMs;
    return this.finish(run, path, status, events, measured, requeueAfterMs);
  }

  private async finish(
    run: AnalysisRun,
    path: string,
    status: AnalysisRunStatus,
    events: AnalysisEvent[],
    measured: number,
    requeueAfterMs: number | null,
  ): Promise<ReconcileResult | undefined> {
    const diff = mergePatchDiff(run.status ?? {}, status);
    if (diff !== undefined) {
      try {
        await this.o.client.patch(`${path}/status`, {
          metadata: { resourceVersion: run.metadata?.resourceVersion },
          status: diff,
        });
      } catch (e) {
        // The run moved on (spec.terminate, another writer): the next round re-reads it.
        if (KubeApiError.isConflict(e)) return { requeueAfterMs: 0 };
        throw e;
      }
    }
    const object: InvolvedObject = {
      apiVersion: apiVersionOf(this.o.analysisRunKind),
      kind: "AnalysisRun",
      namespace: run.metadata?.namespace ?? "default",
      name: run.metadata?.name ?? "",
      ...(run.metadata?.uid ? { uid: run.metadata.uid } : {}),
    };
    for (const e of events) {
      const digest = createHash("sha256").update(`${e.reason}\n${e.message}`).digest("hex").slice(0, 10);
      await this.o.events.recordTransition(object, e.type, e.reason, e.message, `${e.reason}.${digest}`, true);
    }
    const key = `${object.namespace}/${object.name}`;
    for (const listener of this.rounds) listener({ key, status, measured });
    if (measured > 0 || events.length > 0) {
      this.o.logger.debug({ analysisRun: key, phase: status.phase, measured, requeueAfterMs }, "analysis round");
    }
    return requeueAfterMs === null ? undefined : { requeueAfterMs };
  }

  /** One measurement through its provider; any failure becomes an Error measurement with the message. */
  private async measure(
    run: AnalysisRun,
    metric: Metric,
    incomplete: Measurement | undefined,
    terminate: boolean | undefined,
  ): Promise<Measurement> {
    const startedAt = incomplete?.startedAt ?? kubeTime(this.now());
    const type = Object.keys(metric.provider ?? {})[0] ?? "";
    const provider = this.providers.get(type);
    const ctx: MeasurementContext = { run, metric, now: () => kubeTime(this.now()) };
    try {
      if (!provider) throw new ProviderError("UNSUPPORTED", `provider "${type}" is not supported by this agent`);
      if (incomplete && terminate) return await provider.terminate(ctx, incomplete);
      if (incomplete) return await provider.resume(ctx, incomplete);
      return await provider.run(ctx);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof ProviderError)) {
        this.o.logger.warn(
          { analysisRun: run.metadata?.name, metric: metric.name, err: message },
          "measurement failed",
        );
      }
      return {
        ...(incomplete ?? {}),
        phase: "Error",
        message,
        startedAt,
        finishedAt: kubeTime(this.now()),
      };
    }
  }
}
