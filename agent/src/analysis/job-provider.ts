import type { AnalysisRun, Measurement } from "@bellwether/core";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";
import type { MeasurementContext, MetricProvider } from "./metric-provider.ts";
import { providerBody } from "./provider-config.ts";
import { ProviderError } from "./provider-error.ts";

export const ANALYSIS_RUN_UID_LABEL = "analysisrun.argoproj.io/uid";
const NAME_ANNOTATION = "analysisrun.argoproj.io/name";
const NAMESPACE_ANNOTATION = "analysisrun.argoproj.io/namespace";
const METRIC_ANNOTATION = "analysisrun.argoproj.io/metric-name";
const JOB_NAME_KEY = "job-name";
const JOB_NAMESPACE_KEY = "job-namespace";

interface Job {
  metadata: { name: string; namespace?: string };
  status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
}

/** Argo's job name: `<run uid>.<metric>.<n>`, n counting the metric's measurements, cut to 63 characters. */
export function analysisJobName(run: AnalysisRun, metricName: string): string {
  const result = run.status?.metricResults?.find((r) => r.name === metricName);
  const taken = (result?.count ?? 0) + (result?.error ?? 0);
  return `${run.metadata?.uid ?? ""}.${metricName}.${taken + 1}`.slice(0, 63);
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ProviderError("INVALID_PROVIDER", `${field}: must be a map of strings`);
  }
  return value as Record<string, string>;
}

/**
 * Argo's Job provider: each measurement is a `batch/v1` Job owned by the run; the measurement stays Running until
 * the Job's `Complete` (Successful) or `Failed` (Failed) condition. Job changes wake the run's reconcile (the
 * agent's Job informer), so nothing polls.
 */
export class JobProvider implements MetricProvider {
  readonly type = "job";
  private readonly client: KubeClient;

  constructor(client: KubeClient) {
    this.client = client;
  }

  async run(ctx: MeasurementContext): Promise<Measurement> {
    const startedAt = ctx.now();
    const body = providerBody(ctx.metric.provider, "job");
    const spec = body.spec;
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
      throw new ProviderError("INVALID_PROVIDER", "provider.job.spec: must be a batch/v1 JobSpec object");
    }
    const meta = (body.metadata ?? {}) as Record<string, unknown>;
    const run = ctx.run;
    const namespace = run.metadata?.namespace ?? "default";
    const name = analysisJobName(run, ctx.metric.name);
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace,
        labels: {
          ...stringMap(meta.labels, "provider.job.metadata.labels"),
          [ANALYSIS_RUN_UID_LABEL]: run.metadata?.uid,
        },
        annotations: {
          ...stringMap(meta.annotations, "provider.job.metadata.annotations"),
          [NAME_ANNOTATION]: run.metadata?.name,
          [NAMESPACE_ANNOTATION]: namespace,
          [METRIC_ANNOTATION]: ctx.metric.name,
        },
        ownerReferences: [
          {
            apiVersion: run.apiVersion ?? "argoproj.io/v1alpha1",
            kind: "AnalysisRun",
            name: run.metadata?.name,
            uid: run.metadata?.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec,
    };
    try {
      await this.client.create(resourcePath(builtins.jobs, namespace), job);
    } catch (e) {
      // A round whose status write lost a conflict already created this Job: adopt it.
      if (!(e instanceof KubeApiError && e.code === 409)) throw e;
    }
    return { phase: "Running", startedAt, metadata: { [JOB_NAME_KEY]: name, [JOB_NAMESPACE_KEY]: namespace } };
  }

  async resume(ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    const { name, namespace } = this.jobOf(ctx, measurement);
    let job: Job;
    try {
      job = await this.client.get<Job>(resourcePath(builtins.jobs, namespace, name));
    } catch (e) {
      if (KubeApiError.isNotFound(e)) throw new ProviderError("NO_DATA", `job ${namespace}/${name} not found`);
      throw e;
    }
    for (const c of job.status?.conditions ?? []) {
      if (c.status !== "True") continue;
      if (c.type === "Complete") return { ...measurement, phase: "Successful", finishedAt: ctx.now() };
      if (c.type === "Failed") return { ...measurement, phase: "Failed", finishedAt: ctx.now() };
    }
    return measurement;
  }

  async terminate(ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    const { name, namespace } = this.jobOf(ctx, measurement);
    try {
      await this.client.delete(resourcePath(builtins.jobs, namespace, name), { propagationPolicy: "Background" });
    } catch (e) {
      if (!KubeApiError.isNotFound(e)) throw e;
    }
    // Argo marks a terminated Job measurement Successful; recording turns its message into "Metric Terminated".
    return { ...measurement, phase: "Successful", finishedAt: ctx.now() };
  }

  private jobOf(ctx: MeasurementContext, measurement: Measurement): { name: string; namespace: string } {
    const name = measurement.metadata?.[JOB_NAME_KEY];
    if (!name) throw new ProviderError("NO_DATA", "job metric measurement has no job-name in its metadata");
    return { name, namespace: measurement.metadata?.[JOB_NAMESPACE_KEY] ?? ctx.run.metadata?.namespace ?? "default" };
  }
}
