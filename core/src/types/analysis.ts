/**
 * Argo Rollouts analysis kinds (`argoproj.io/v1alpha1` AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun),
 * as plain JSON shapes: the agent reads them from the Kubernetes API unchanged.
 */

import type { IntOrString, ObjectMeta } from "./kube-meta.ts";

/** Phase of a measurement, a metric result and a run. */
export type AnalysisPhase = "Pending" | "Running" | "Successful" | "Failed" | "Error" | "Inconclusive";

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface ArgumentValueFrom {
  secretKeyRef?: SecretKeyRef;
  fieldRef?: { fieldPath: string };
  podTemplateHashValue?: "Stable" | "Latest";
}

/** A template argument; one without `value`/`valueFrom` must be supplied by the caller. */
export interface Argument {
  name: string;
  value?: string;
  valueFrom?: ArgumentValueFrom;
}

/** Marks metrics (by unanchored regular expression) whose verdict never affects the run. */
export interface DryRun {
  metricName: string;
}

/** Keeps the last `limit` measurements of the matching metrics instead of the default 10. */
export interface MeasurementRetention {
  metricName: string;
  limit: number;
}

/** Exactly one provider key is set; its body is provider specific and validated by the provider. */
export type MetricProvider = Record<string, unknown>;

export interface Metric {
  name: string;
  /** Go duration between measurements, from the previous measurement's `finishedAt`. */
  interval?: string;
  /** Go duration after `status.startedAt` before the first measurement. */
  initialDelay?: string;
  /** `5` or `"5"` alike, or `"{{args.n}}"` before resolution. */
  count?: IntOrString;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: IntOrString;
  inconclusiveLimit?: IntOrString;
  consecutiveErrorLimit?: IntOrString;
  consecutiveSuccessLimit?: IntOrString;
  provider: MetricProvider;
}

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope?: boolean;
}

export interface AnalysisTemplateSpec {
  metrics: Metric[];
  args?: Argument[];
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
  templates?: AnalysisTemplateRef[];
}

export interface AnalysisTemplate {
  apiVersion?: string;
  kind?: "AnalysisTemplate" | "ClusterAnalysisTemplate";
  metadata?: ObjectMeta;
  spec: AnalysisTemplateSpec;
}

export interface Measurement {
  phase: AnalysisPhase;
  message?: string;
  /** RFC 3339 timestamps, as Kubernetes writes them. */
  startedAt?: string;
  finishedAt?: string;
  /** Providers with long-running measurements (Job, Kayenta) ask to be resumed at this time. */
  resumeAt?: string;
  value?: string;
  metadata?: Record<string, string>;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  measurements?: Measurement[];
  message?: string;
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
  consecutiveError?: number;
  consecutiveSuccess?: number;
  dryRun?: boolean;
  metadata?: Record<string, string>;
}

/** Counts of metrics (not measurements) by verdict. */
export interface RunSummary {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface AnalysisRunSpec extends AnalysisTemplateSpec {
  terminate?: boolean;
  ttlStrategy?: { secondsAfterCompletion?: number; secondsAfterFailure?: number; secondsAfterSuccess?: number };
}

export interface AnalysisRunStatus {
  phase?: AnalysisPhase | "";
  message?: string;
  metricResults?: MetricResult[];
  startedAt?: string;
  completedAt?: string;
  runSummary?: RunSummary;
  dryRunSummary?: RunSummary;
}

export interface AnalysisRun {
  apiVersion?: string;
  kind?: "AnalysisRun";
  metadata?: ObjectMeta;
  spec: AnalysisRunSpec;
  status?: AnalysisRunStatus;
}
