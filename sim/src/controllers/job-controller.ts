import { deepEqual, type JsonObject } from "../json-value.ts";
import type { KubeObject } from "../kube-object.ts";
import { StatusError } from "../status-error.ts";
import { type ControllerContext, GR, GVR, key, timestamp } from "./controller-context.ts";
import { isPodReady, podPhase } from "./pod-state.ts";
import { controlledPods, createPodFor } from "./replica-set-controller.ts";

interface JobSpec {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  suspend?: boolean;
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: JsonObject;
  };
}

interface JobCondition extends JsonObject {
  type: string;
  status: string;
}

const isFinished = (status: JsonObject) =>
  Array.isArray(status.conditions) &&
  status.conditions.some(
    (c) =>
      ((c as JobCondition).type === "Complete" || (c as JobCondition).type === "Failed") &&
      (c as JobCondition).status === "True",
  );

/**
 * The Job controller: runs pods until `completions` succeed, or fails the Job once more than `backoffLimit`
 * pods failed, writing the conditions Kubernetes 1.31+ writes (`SuccessCriteriaMet` then `Complete`, or
 * `FailureTarget` then `Failed` with reason `BackoffLimitExceeded`). Failed pods are replaced without the
 * exponential back-off delay, so failing Jobs finish within a test.
 */
export class JobController {
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  reconcile(namespace: string, name: string): void {
    const ctx = this.#ctx;
    const job = ctx.cluster.store.get(GR.jobs, namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const current = (job.status ?? {}) as JsonObject;
    if (isFinished(current)) return;
    const spec = (job.spec ?? {}) as JobSpec;
    const completions = Math.max(1, spec.completions ?? 1);
    const parallelism = Math.max(0, spec.parallelism ?? 1);
    const backoffLimit = Math.max(0, spec.backoffLimit ?? 6);
    let pods = controlledPods(ctx, job);
    const count = (phase: string) => pods.filter((p) => podPhase(p) === phase).length;
    const active = () =>
      pods.filter((p) => !p.metadata.deletionTimestamp && !["Succeeded", "Failed"].includes(podPhase(p)));
    const succeeded = count("Succeeded");
    const failed = count("Failed");
    const now = ctx.now();
    const at = timestamp(now);
    const status: JsonObject = { ...current };
    status.startTime ??= at;
    let outcome: "complete" | "failed" | undefined;
    if (succeeded >= completions) outcome = "complete";
    else if (failed > backoffLimit) outcome = "failed";
    if (outcome === "failed") {
      for (const p of active()) this.#deletePod(p);
    } else if (!outcome && !spec.suspend) {
      const want = Math.min(parallelism, completions - succeeded) - active().length;
      for (let i = 0; i < want; i++) {
        try {
          createPodFor(ctx, job, "batch/v1", spec.template);
        } catch (e) {
          if (e instanceof StatusError) break;
          throw e;
        }
      }
    }
    pods = controlledPods(ctx, job);
    const running = active();
    status.active = running.length;
    status.ready = running.filter(isPodReady).length;
    status.succeeded = succeeded;
    status.failed = failed;
    status.terminating = 0;
    status.uncountedTerminatedPods = {};
    for (const f of ["active", "succeeded", "failed"] as const) if (status[f] === 0) delete status[f];
    if (outcome) {
      const [target, final, reason, message] =
        outcome === "complete"
          ? ["SuccessCriteriaMet", "Complete", "CompletionsReached", "Reached expected number of succeeded pods"]
          : ["FailureTarget", "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"];
      const condition = (type: string): JsonObject => ({
        type,
        status: "True",
        lastProbeTime: at,
        lastTransitionTime: at,
        reason,
        message,
      });
      status.conditions = [condition(target), condition(final)];
      if (outcome === "complete") status.completionTime = at;
      delete status.active;
    }
    if (deepEqual(status, current)) return;
    try {
      ctx.cluster.update(GVR.jobs, namespace, name, { ...job, status }, "status");
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 409) ctx.queue.add(key("job", namespace, name));
    }
  }

  #deletePod(pod: KubeObject): void {
    try {
      this.#ctx.cluster.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name ?? "", {
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
