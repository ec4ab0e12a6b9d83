import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The agent's Prometheus metrics, named as Argo Rollouts names them so existing dashboards and alerts keep
 * working when the agent replaces the Argo controller.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly rolloutInfo = new Gauge({
    name: "rollout_info",
    help: "Information about rollout.",
    labelNames: ["namespace", "name", "strategy", "traffic_router", "phase"] as const,
    registers: [this.registry],
  });
  readonly rolloutPhase = new Gauge({
    name: "rollout_phase",
    help: "Information on the state of the rollout (DEPRECATED - use rollout_info)",
    labelNames: ["namespace", "name", "strategy", "phase"] as const,
    registers: [this.registry],
  });
  readonly replicasAvailable = this.replicaGauge(
    "rollout_info_replicas_available",
    "The number of available replicas per rollout.",
  );
  readonly replicasUnavailable = this.replicaGauge(
    "rollout_info_replicas_unavailable",
    "The number of unavailable replicas per rollout.",
  );
  readonly replicasDesired = this.replicaGauge(
    "rollout_info_replicas_desired",
    "The number of desired replicas per rollout.",
  );
  readonly replicasUpdated = this.replicaGauge(
    "rollout_info_replicas_updated",
    "The number of updated replicas per rollout.",
  );
  readonly reconcile = new Histogram({
    name: "rollout_reconcile",
    help: "Rollout reconciliation performance.",
    labelNames: ["namespace", "name"] as const,
    buckets: [0.01, 0.15, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly reconcileError = new Counter({
    name: "rollout_reconcile_error",
    help: "Error occurring during the rollout",
    labelNames: ["namespace", "name"] as const,
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: "rollout_events_total",
    help: "Count of rollout events",
    labelNames: ["namespace", "name", "type", "reason"] as const,
    registers: [this.registry],
  });
  readonly analysisRunInfo = new Gauge({
    name: "analysis_run_info",
    help: "Information about analysis run.",
    labelNames: ["namespace", "name", "phase"] as const,
    registers: [this.registry],
  });
  readonly analysisRunReconcile = new Histogram({
    name: "analysis_run_reconcile",
    help: "Analysis Run reconciliation performance.",
    labelNames: ["namespace", "name"] as const,
    buckets: [0.01, 0.15, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly analysisRunReconcileError = new Counter({
    name: "analysis_run_reconcile_error",
    help: "Error occurring during the analysis run",
    labelNames: ["namespace", "name"] as const,
    registers: [this.registry],
  });
  readonly k8sRequests = new Counter({
    name: "controller_clientset_k8s_request_total",
    help: "Number of kubernetes requests executed during application reconciliation.",
    labelNames: ["kind", "namespace", "name", "verb", "status_code"] as const,
    registers: [this.registry],
  });
  readonly controllerInfo = new Gauge({
    name: "argo_rollouts_controller_info",
    help: "Running Argo-rollouts version",
    labelNames: ["version"] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: "bellwether_agent_leader",
    help: "1 while this agent holds the cluster's leader lease.",
    registers: [this.registry],
  });
  readonly epoch = new Gauge({
    name: "bellwether_agent_epoch",
    help: "The agent's current leadership epoch.",
    registers: [this.registry],
  });

  private readonly lastLabels = new Map<string, { strategy: string; trafficRouter: string; phase: string }>();

  constructor(version: string) {
    this.controllerInfo.set({ version }, 1);
  }

  private replicaGauge(name: string, help: string) {
    return new Gauge({ name, help, labelNames: ["namespace", "name"] as const, registers: [this.registry] });
  }

  /** Records one API request the way Argo's client metrics do, deriving kind/namespace/name from the path. */
  recordRequest(verb: string, path: string, statusCode: number): void {
    const { kind, namespace, name } = describePath(path);
    this.k8sRequests.inc({ kind, namespace, name, verb: verbOf(verb, name), status_code: String(statusCode) });
  }

  /** Sets a Rollout's info gauges, removing its previous phase series so exactly one phase is 1. */
  setRollout(r: {
    namespace: string;
    name: string;
    strategy: string;
    trafficRouter: string;
    phase: string;
    desired: number;
    available: number;
    updated: number;
  }): void {
    this.forgetRollout(r.namespace, r.name);
    this.lastLabels.set(`${r.namespace}/${r.name}`, {
      strategy: r.strategy,
      trafficRouter: r.trafficRouter,
      phase: r.phase,
    });
    const id = { namespace: r.namespace, name: r.name };
    this.rolloutInfo.set({ ...id, strategy: r.strategy, traffic_router: r.trafficRouter, phase: r.phase }, 1);
    for (const phase of ["Healthy", "Progressing", "Paused", "Degraded"]) {
      this.rolloutPhase.set({ ...id, strategy: r.strategy, phase }, phase === r.phase ? 1 : 0);
    }
    this.replicasDesired.set(id, r.desired);
    this.replicasAvailable.set(id, r.available);
    this.replicasUnavailable.set(id, Math.max(0, r.desired - r.available));
    this.replicasUpdated.set(id, r.updated);
  }

  forgetRollout(namespace: string, name: string): void {
    const id = { namespace, name };
    const key = `${namespace}/${name}`;
    // Remove exactly the series last written for this rollout: scanning every series would make each reconcile
    // cost O(rollouts).
    const last = this.lastLabels.get(key);
    if (last) {
      this.rolloutInfo.remove({
        ...id,
        strategy: last.strategy,
        traffic_router: last.trafficRouter,
        phase: last.phase,
      });
      for (const phase of ["Healthy", "Progressing", "Paused", "Degraded"]) {
        this.rolloutPhase.remove({ ...id, strategy: last.strategy, phase });
      }
      this.lastLabels.delete(key);
    }
    for (const g of [this.replicasDesired, this.replicasAvailable, this.replicasUnavailable, this.replicasUpdated]) {
      g.remove(id);
    }
  }
}

function verbOf(method: string, name: string): string {
  switch (method) {
    case "GET":
      return name ? "Get" : "List";
    case "POST":
      return "Create";
    case "PUT":
      return "Update";
    case "PATCH":
      return "Patch";
    case "DELETE":
      return "Delete";
    case "WATCH":
      return "Watch";
    default:
      return "Unknown";
  }
}

/** /apis/argoproj.io/v1alpha1/namespaces/ns/rollouts/web/status → kind "rollouts", ns, name "web". */
export function describePath(path: string): { kind: string; namespace: string; name: string } {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]!);
    rest.splice(0, 2);
  }
  return { kind: rest[0] ?? "", namespace, name: rest[1] ? decodeURIComponent(rest[1]) : "" };
}
