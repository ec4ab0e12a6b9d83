/** Annotation prefix under which pod templates declare how a simulated version behaves. */
export const SIM_ANNOTATION_PREFIX = "kube-sim.bellwether.dev/";

export const ANNOTATIONS = {
  errorRate: `${SIM_ANNOTATION_PREFIX}error-rate`,
  latencyMs: `${SIM_ANNOTATION_PREFIX}latency-ms`,
  readyDelayMs: `${SIM_ANNOTATION_PREFIX}ready-delay-ms`,
  neverReady: `${SIM_ANNOTATION_PREFIX}never-ready`,
  jobResult: `${SIM_ANNOTATION_PREFIX}job-result`,
  jobDurationMs: `${SIM_ANNOTATION_PREFIX}job-duration-ms`,
} as const;

export const DEFAULT_READY_DELAY_MS = 200;
export const DEFAULT_LATENCY_MS = 20;
export const DEFAULT_JOB_DURATION_MS = 500;

/** How a version behaves, read from its pod template's annotations (values are strings, as annotations are). */
export interface VersionBehaviour {
  /** Fraction of requests answered 500, 0..1. */
  errorRate: number;
  latencyMs: number;
  readyDelayMs: number;
  neverReady: boolean;
  jobFails: boolean;
  jobDurationMs: number;
  /** Annotations that were present but unusable, each naming the annotation and the rule; defaults apply. */
  problems: string[];
}

function numberIn(
  annotations: Record<string, string>,
  key: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = annotations[key];
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    problems.push(`${key}: "${raw}" must be a number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/**
 * Reads the behaviour annotations. A bad value never stops the simulation (a real kubelet does not reject pods
 * for unknown annotations); it falls back to the default and is reported in `problems`.
 */
export function versionBehaviour(annotations: Record<string, string> | undefined): VersionBehaviour {
  const a = annotations ?? {};
  const problems: string[] = [];
  const flag = (key: string): boolean => {
    const raw = a[key];
    if (raw === undefined) return false;
    if (raw === "true") return true;
    if (raw !== "false") problems.push(`${key}: "${raw}" must be "true" or "false"`);
    return false;
  };
  const jobResult = a[ANNOTATIONS.jobResult];
  if (jobResult !== undefined && jobResult !== "fail" && jobResult !== "succeed") {
    problems.push(`${ANNOTATIONS.jobResult}: "${jobResult}" must be "fail" or "succeed"`);
  }
  return {
    errorRate: numberIn(a, ANNOTATIONS.errorRate, 0, 0, 1, problems),
    latencyMs: numberIn(a, ANNOTATIONS.latencyMs, DEFAULT_LATENCY_MS, 0, 3_600_000, problems),
    readyDelayMs: numberIn(a, ANNOTATIONS.readyDelayMs, DEFAULT_READY_DELAY_MS, 0, 86_400_000, problems),
    neverReady: flag(ANNOTATIONS.neverReady),
    jobFails: jobResult === "fail",
    jobDurationMs: numberIn(a, ANNOTATIONS.jobDurationMs, DEFAULT_JOB_DURATION_MS, 0, 86_400_000, problems),
    problems,
  };
}
