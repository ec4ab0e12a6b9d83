import {
  type AnalysisRun,
  AnalysisSpecError,
  type AnalysisTemplate,
  type Argument,
  buildAnalysisRunSpec,
  type FieldIssue,
  isCompletedPhase,
  POD_TEMPLATE_HASH_LABEL,
  type Rollout,
  type RolloutAnalysis,
  type RolloutStatus,
  type RunPhase,
} from "@bellwether/core";
import type { Informer } from "../kube/informer.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import type { KubeObject } from "../kube/kube-object.ts";
import { apiVersionOf, type argoKinds, resourcePath } from "../kube/resource-ref.ts";

/** The `rollout-type` label values Argo puts on the AnalysisRuns a Rollout creates. */
export type RolloutRunType = "Step" | "Background" | "PrePromotion" | "PostPromotion";

export const ROLLOUT_TYPE_LABEL = "rollout-type";
export const STEP_INDEX_LABEL = "step-index";

/** Retries of one update each get a new run (`<name>.<n>`); past this many something else is wrong. */
const MAX_RUN_SUFFIX = 100;

/** What the Rollout sees of one of its AnalysisRuns (Argo's `RolloutAnalysisRunStatus`). */
export interface RunStatus {
  name: string;
  status: string;
  message?: string;
}

/** The spec cannot become a run (missing template, bad arguments): the Rollout is InvalidSpec, naming the field. */
export interface RunRefusal {
  issue: FieldIssue;
}

export type RunObservation = { run: RunStatus } | RunRefusal;

export interface RunRequest {
  rollout: Rollout;
  status: RolloutStatus;
  /** Pod-template hash of the revision being analysed. */
  podHash: string;
  revision: number;
  type: RolloutRunType;
  stepIndex?: number;
  analysis: RolloutAnalysis;
  /** JSON path of `analysis` in the Rollout, for error messages. */
  field: string;
}

/** Argo's run names: `<rollout>-<podHash>-<revision>[-<stepIndex>|-pre|-post]`. */
export function analysisRunName(
  r: Pick<RunRequest, "rollout" | "podHash" | "revision" | "type" | "stepIndex">,
): string {
  const base = `${r.rollout.metadata.name ?? ""}-${r.podHash}-${r.revision}`;
  switch (r.type) {
    case "Step":
      return `${base}-${r.stepIndex ?? 0}`;
    case "PrePromotion":
      return `${base}-pre`;
    case "PostPromotion":
      return `${base}-post`;
    default:
      return base;
  }
}

/** The phase of a run as the step machine reads it ("" and unknown phases are still Pending). */
export function runPhaseOf(status: RunStatus | undefined): RunPhase | undefined {
  switch (status?.status) {
    case "Running":
    case "Successful":
    case "Failed":
    case "Error":
    case "Inconclusive":
      return status.status;
    case undefined:
      return undefined;
    default:
      return "Pending";
  }
}

/** Whether a run ended badly: the Rollout aborts with its message. */
export function runFailed(status: RunStatus | undefined): boolean {
  return status?.status === "Failed" || status?.status === "Error";
}

/** `metadata.labels['x']` / `metadata.annotations['x']` / dotted JSON paths, as Argo's `extractValueFromRollout`. */
export function rolloutFieldValue(rollout: Rollout, fieldPath: string): string | undefined {
  const meta = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fieldPath);
  if (meta) {
    const map = meta[1] === "labels" ? rollout.metadata.labels : rollout.metadata.annotations;
    return map?.[meta[2] ?? ""];
  }
  let at: unknown = rollout;
  for (const part of fieldPath.split(".")) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  if (at === undefined || at === null) return undefined;
  return typeof at === "string" ? at : JSON.stringify(at);
}

/**
 * Creates and observes the AnalysisRuns a Rollout drives (step, background, pre/post promotion) from its templates,
 * owned by the Rollout so that their changes enqueue it and deleting it collects them. Phases come from the
 * AnalysisRun informer; the AnalysisRun controller measures them.
 */
export class RolloutAnalysisRuns {
  private readonly client: KubeClient;
  private readonly kinds: ReturnType<typeof argoKinds>;
  private readonly runs: Informer<KubeObject>;
  private readonly rolloutApiVersion: string;

  constructor(client: KubeClient, kinds: ReturnType<typeof argoKinds>, runs: Informer<KubeObject>) {
    this.client = client;
    this.kinds = kinds;
    this.runs = runs;
    this.rolloutApiVersion = apiVersionOf(kinds.rollouts);
  }

  /** The Rollout key owning an AnalysisRun (for enqueueing on run changes). */
  ownerKey(run: KubeObject): string | undefined {
    const owner = run.metadata.ownerReferences?.find((o) => o.controller && o.kind === "Rollout");
    return owner && run.metadata.namespace ? `${run.metadata.namespace}/${owner.name}` : undefined;
  }

  /**
   * The run for this request. `current` is the run the Rollout's status names: it is read whatever its phase. Any
   * other run under Argo's name that already completed (a retried update) is left alone and the next free name
   * `<name>.<n>` is used, as Argo's collision counter does; a run still going under the name is adopted.
   */
  async ensure(req: RunRequest, current?: RunStatus): Promise<RunObservation> {
    const base = analysisRunName(req);
    const ns = req.rollout.metadata.namespace ?? "default";
    let conflicted: string | undefined;
    for (let n = 0; n < MAX_RUN_SUFFIX; n++) {
      const name = n === 0 ? base : `${base}.${n}`;
      const existing = await this.find(ns, name, current?.name === name || conflicted === name);
      if (existing) {
        if (current?.name === name || !isCompletedPhase(existing.status?.phase ?? ""))
          return { run: statusOf(existing) };
        continue;
      }
      let body: AnalysisRun;
      try {
        body = await this.build(req, name, ns);
      } catch (e) {
        if (e instanceof RunSpecProblem) return { issue: e.issue };
        throw e;
      }
      try {
        return {
          run: statusOf(await this.client.create<AnalysisRun>(resourcePath(this.kinds.analysisRuns, ns), body)),
        };
      } catch (e) {
        // Created by an earlier round the cache has not seen yet: look at it again.
        if (!KubeApiError.isConflict(e) || conflicted === name) throw e;
        conflicted = name;
        n--;
      }
    }
    return { issue: { field: req.field, message: `more than ${MAX_RUN_SUFFIX} AnalysisRuns named ${base}` } };
  }

  /** From the cache; from the API server when asked (the cache may lag behind a run this agent just created). */
  private async find(ns: string, name: string, fresh: boolean): Promise<AnalysisRun | undefined> {
    const cached = this.runs.get(`${ns}/${name}`) as AnalysisRun | undefined;
    if (cached || !fresh) return cached;
    try {
      return await this.client.get<AnalysisRun>(resourcePath(this.kinds.analysisRuns, ns, name));
    } catch (e) {
      if (KubeApiError.isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The cached status of a run by name, if it exists. */
  observe(rollout: Rollout, name: string): RunStatus | undefined {
    const cached = this.runs.get(`${rollout.metadata.namespace ?? "default"}/${name}`) as AnalysisRun | undefined;
    return cached ? statusOf(cached) : undefined;
  }

  /** Asks a still-running run to stop (`spec.terminate`); completed or absent runs are left alone. */
  async terminate(rollout: Rollout, name: string): Promise<void> {
    const ns = rollout.metadata.namespace ?? "default";
    const cached = this.runs.get(`${ns}/${name}`) as AnalysisRun | undefined;
    if (!cached || cached.spec?.terminate || isCompletedPhase(cached.status?.phase ?? "")) return;
    try {
      await this.client.patch(resourcePath(this.kinds.analysisRuns, ns, name), { spec: { terminate: true } });
    } catch (e) {
      if (!KubeApiError.isNotFound(e)) throw e;
    }
  }

  private async build(req: RunRequest, name: string, ns: string): Promise<AnalysisRun> {
    const templates: AnalysisTemplate[] = [];
    const clusterTemplates: AnalysisTemplate[] = [];
    const refs = req.analysis.templates ?? [];
    for (const [i, ref] of refs.entries()) {
      const templateName = ref.templateName ?? "";
      const kind = ref.clusterScope ? this.kinds.clusterAnalysisTemplates : this.kinds.analysisTemplates;
      try {
        const t = await this.client.get<AnalysisTemplate>(
          resourcePath(kind, ref.clusterScope ? undefined : ns, templateName),
        );
        (ref.clusterScope ? clusterTemplates : templates).push(t);
      } catch (e) {
        if (!KubeApiError.isNotFound(e)) throw e;
        throw new RunSpecProblem({
          field: `${req.field}.templates[${i}].templateName`,
          message: `${kind.kind} "${templateName}" not found`,
        });
      }
    }
    let spec: AnalysisRun["spec"];
    try {
      spec = buildAnalysisRunSpec({
        templates,
        clusterTemplates,
        args: this.args(req),
        ...(req.analysis.dryRun ? { dryRun: req.analysis.dryRun } : {}),
        ...(req.analysis.measurementRetention ? { measurementRetention: req.analysis.measurementRetention } : {}),
      });
    } catch (e) {
      if (e instanceof AnalysisSpecError) throw new RunSpecProblem({ field: req.field, message: e.message });
      throw e;
    }
    const meta = req.analysis.analysisRunMetadata;
    const rollout = req.rollout;
    return {
      apiVersion: apiVersionOf(this.kinds.analysisRuns),
      kind: "AnalysisRun",
      metadata: {
        name,
        namespace: ns,
        labels: {
          ...(meta?.labels ?? {}),
          [POD_TEMPLATE_HASH_LABEL]: req.podHash,
          [ROLLOUT_TYPE_LABEL]: req.type,
          ...(req.type === "Step" ? { [STEP_INDEX_LABEL]: String(req.stepIndex ?? 0) } : {}),
        },
        annotations: { ...(meta?.annotations ?? {}), "rollout.argoproj.io/revision": String(req.revision) },
        ownerReferences: [
          {
            apiVersion: this.rolloutApiVersion,
            kind: "Rollout",
            name: rollout.metadata.name ?? "",
            uid: rollout.metadata.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec,
    } as AnalysisRun;
  }

  /** The Rollout's arguments with `valueFrom` resolved (pod-template hashes, Rollout fields). */
  private args(req: RunRequest): Argument[] {
    return (req.analysis.args ?? []).map((arg, i) => {
      if (arg.value !== undefined) return { name: arg.name, value: arg.value };
      const from = arg.valueFrom;
      let value: string | undefined;
      if (from?.podTemplateHashValue === "Stable") value = req.status.stableRS;
      else if (from?.podTemplateHashValue === "Latest") value = req.podHash;
      else if (from?.fieldRef) value = rolloutFieldValue(req.rollout, from.fieldRef.fieldPath);
      if (value === undefined) {
        throw new RunSpecProblem({
          field: `${req.field}.args[${i}].valueFrom`,
          message: `argument "${arg.name}" has no value in the Rollout`,
        });
      }
      return { name: arg.name, value };
    });
  }
}

class RunSpecProblem extends Error {
  readonly code = "ANALYSIS_RUN_SPEC";
  readonly issue: FieldIssue;
  constructor(issue: FieldIssue) {
    super(`${issue.field}: ${issue.message}`);
    this.issue = issue;
  }
}

function statusOf(run: AnalysisRun): RunStatus {
  const message = run.status?.message;
  return { name: run.metadata?.name ?? "", status: run.status?.phase ?? "Pending", ...(message ? { message } : {}) };
}
