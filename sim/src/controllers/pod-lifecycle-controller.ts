import { createHash } from "node:crypto";
import { deepEqual, type JsonObject, type JsonValue } from "../json-value.ts";
import type { KubeObject } from "../kube-object.ts";
import { StatusError } from "../status-error.ts";
import { type ControllerContext, GR, GVR, key, timestamp } from "./controller-context.ts";
import { controllerRef, isPodReady, podIp, podPhase } from "./pod-state.ts";
import { SIM_ANNOTATION_PREFIX, versionBehaviour } from "./version-behaviour.ts";

const HOST_IP = "172.18.0.2";

interface Container {
  name?: string;
  image?: string;
}

/**
 * Whether the simulated kubelet runs a pod: pods made by a controller, or annotated for the simulation. Bare
 * pods without either are left as created, so a test can play kubelet for them without racing this one.
 */
export function isSimulatedPod(pod: KubeObject): boolean {
  if (controllerRef(pod)) return true;
  return Object.keys(pod.metadata.annotations ?? {}).some((k) => k.startsWith(SIM_ANNOTATION_PREFIX));
}

function containersOf(pod: KubeObject): Container[] {
  const spec = (pod.spec ?? {}) as { containers?: Container[] };
  return Array.isArray(spec.containers) ? spec.containers : [];
}

function containerId(pod: KubeObject, name: string): string {
  return `containerd://${createHash("sha256").update(`${pod.metadata.uid}/${name}`).digest("hex")}`;
}

/**
 * The kubelet of every simulated node: starts a pod at once (Running, a pod IP), marks it Ready after the
 * template's `ready-delay-ms` unless `never-ready` is set, and ends Job pods after `job-duration-ms` with the
 * declared `job-result`. Deadlines go through the cluster's single timer queue.
 */
export class PodLifecycleController {
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  reconcile(namespace: string, name: string): void {
    const ctx = this.#ctx;
    const pod = ctx.cluster.store.get(GR.pods, namespace, name);
    if (!pod || pod.metadata.deletionTimestamp || !isSimulatedPod(pod)) return;
    const phase = podPhase(pod);
    if (phase === "Succeeded" || phase === "Failed") return;
    const uid = pod.metadata.uid ?? "";
    const behaviour = versionBehaviour(pod.metadata.annotations);
    const isJobPod = controllerRef(pod)?.kind === "Job";
    const now = ctx.now();
    let startedAt = ctx.startedAtMs.get(uid);
    if (startedAt === undefined) {
      startedAt = phase === "Running" ? Date.parse(String((pod.status as JsonObject).startTime)) || now : now;
      ctx.startedAtMs.set(uid, startedAt);
    }
    const exitAt = isJobPod ? startedAt + behaviour.jobDurationMs : Number.POSITIVE_INFINITY;
    const readyAt = behaviour.neverReady ? Number.POSITIVE_INFINITY : startedAt + behaviour.readyDelayMs;
    let status: JsonObject;
    if (now >= exitAt) status = this.#terminatedStatus(pod, startedAt, now, !behaviour.jobFails);
    else {
      const ready = now >= readyAt;
      // Readiness can also be lost: annotating a running pod `never-ready: "true"` fails its probe from now on.
      const changedAt = phase === "Running" && ready !== isPodReady(pod) ? now : undefined;
      status = this.#runningStatus(pod, startedAt, ready, changedAt);
      const next = Math.min(ready ? Number.POSITIVE_INFINITY : readyAt, exitAt);
      if (Number.isFinite(next)) ctx.queue.after(key("pod", namespace, name), next);
    }
    if (deepEqual(status, pod.status)) return;
    try {
      ctx.cluster.update(GVR.pods, namespace, name, { ...pod, status }, "status");
      if (status.phase === "Running" && isReadyStatus(status)) {
        if (!ctx.readySinceMs.has(uid)) ctx.readySinceMs.set(uid, now);
      } else ctx.readySinceMs.delete(uid);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 409) ctx.queue.add(key("pod", namespace, name));
    }
  }

  /** Forgets per-pod timings when a pod is gone. */
  forget(uid: string): void {
    this.#ctx.readySinceMs.delete(uid);
    this.#ctx.startedAtMs.delete(uid);
    this.#ctx.createdSeq.delete(uid);
  }

  #runningStatus(
    pod: KubeObject,
    startedAt: number,
    ready: boolean,
    readinessChangedAt: number | undefined,
  ): JsonObject {
    const previous = (pod.status ?? {}) as JsonObject;
    const ip = podIp(pod) ?? this.#ctx.nextPodIp();
    const started = timestamp(startedAt);
    const readyTransition =
      readinessChangedAt !== undefined ? timestamp(readinessChangedAt) : readyTransitionOf(previous, started);
    const names = containersOf(pod).map((c) => c.name ?? "");
    const readiness = (type: string): JsonObject =>
      ready
        ? { type, status: "True", lastProbeTime: null, lastTransitionTime: readyTransition }
        : {
            type,
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: readyTransition,
            reason: "ContainersNotReady",
            message: `containers with unready status: [${names.join(" ")}]`,
          };
    const condition = (type: string): JsonObject => ({
      type,
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: started,
    });
    return {
      ...previous,
      phase: "Running",
      conditions: [
        condition("PodReadyToStartContainers"),
        condition("Initialized"),
        readiness("Ready"),
        readiness("ContainersReady"),
        condition("PodScheduled"),
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: started,
      containerStatuses: containersOf(pod).map(
        (c): JsonValue => ({
          name: c.name ?? "",
          image: c.image ?? "",
          imageID: "",
          containerID: containerId(pod, c.name ?? ""),
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: started } },
          lastState: {},
        }),
      ),
    };
  }

  #terminatedStatus(pod: KubeObject, startedAt: number, now: number, succeeded: boolean): JsonObject {
    const previous = (pod.status ?? {}) as JsonObject;
    const started = timestamp(startedAt);
    const finished = timestamp(now);
    const reason = succeeded ? "PodCompleted" : "PodFailed";
    const notReady = (type: string): JsonObject => ({
      type,
      status: "False",
      lastProbeTime: null,
      lastTransitionTime: finished,
      reason,
    });
    const ip = podIp(pod) ?? this.#ctx.nextPodIp();
    return {
      ...previous,
      phase: succeeded ? "Succeeded" : "Failed",
      conditions: [
        { type: "PodReadyToStartContainers", status: "False", lastProbeTime: null, lastTransitionTime: finished },
        { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: started, reason },
        notReady("Ready"),
        notReady("ContainersReady"),
        { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: started },
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: started,
      containerStatuses: containersOf(pod).map(
        (c): JsonValue => ({
          name: c.name ?? "",
          image: c.image ?? "",
          imageID: "",
          containerID: containerId(pod, c.name ?? ""),
          ready: false,
          started: false,
          restartCount: 0,
          state: {
            terminated: {
              exitCode: succeeded ? 0 : 1,
              reason: succeeded ? "Completed" : "Error",
              startedAt: started,
              finishedAt: finished,
              containerID: containerId(pod, c.name ?? ""),
            },
          },
          lastState: {},
        }),
      ),
    };
  }
}

function isReadyStatus(status: JsonObject): boolean {
  const conditions = status.conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => (c as JsonObject).type === "Ready" && (c as JsonObject).status === "True")
  );
}

function readyTransitionOf(status: JsonObject, fallback: string): string {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const ready = conditions.find((c) => (c as JsonObject).type === "Ready") as JsonObject | undefined;
  return typeof ready?.lastTransitionTime === "string" ? ready.lastTransitionTime : fallback;
}
