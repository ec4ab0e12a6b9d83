import { hostname } from "node:os";
import type { ReplicaSet, Rollout } from "@bellwether/core";
import type { KubeConfig } from "@kubernetes/client-node";
import { AnalysisRunReconciler, type AnalysisRunRound } from "../analysis/analysis-run-reconciler.ts";
import { ANALYSIS_RUN_UID_LABEL } from "../analysis/job-provider.ts";
import type { MetricProvider } from "../analysis/metric-provider.ts";
import { CommandExecutor } from "../commands/command-executor.ts";
import { Informer } from "../kube/informer.ts";
import { KubeClient } from "../kube/kube-client.ts";
import { type KubeObject, objectKey } from "../kube/kube-object.ts";
import { argoKinds, builtins } from "../kube/resource-ref.ts";
import { AgentMetrics } from "../observability/agent-metrics.ts";
import { type HealthReport, HealthServer } from "../observability/health-server.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import { EventRecorder, type RecordedEvent } from "../rollout/event-recorder.ts";
import { RolloutAnalysisRuns } from "../rollout/rollout-analysis.ts";
import { RolloutReconciler } from "../rollout/rollout-reconciler.ts";
import type { RolloutRound } from "../rollout/strategy-reconciler.ts";
import type { TrafficRouter } from "../rollout/traffic-router.ts";
import { LeaderElection } from "../runtime/leader-election.ts";
import { ReconcileLoop } from "../runtime/reconcile-loop.ts";

export interface AgentOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace; every namespace when absent. */
  namespace?: string;
  /** API group of Argo's kinds (default argoproj.io). */
  apiGroup?: string;
  /** Handle only Rollouts labelled argo-rollouts.argoproj.io/controller-instance-id=<id>. */
  instanceId?: string;
  workers?: number;
  leaderElection?: {
    namespace: string;
    leaseName?: string;
    identity?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** host:port for /metrics and /healthz; none when absent. */
  metricsAddress?: string;
  relistIntervalMs?: number;
  logger?: Logger;
  version?: string;
  routerFor?: (rollout: Rollout) => TrafficRouter | undefined;
  /** Observes every successful reconcile: handler time and time the key waited in the queue (benchmarks). */
  onReconciled?: (key: string, handlerMs: number, waitedMs: number) => void;
  /** Metric providers for AnalysisRuns (Prometheus, Web and Job when absent). */
  metricProviders?: MetricProvider[];
  /** Called when leadership is lost; the binary exits so it restarts clean (as client-go controllers do). */
  onLostLeadership?: () => void;
}

/**
 * The per-cluster agent: an Argo-Rollouts-compatible controller. It campaigns for the cluster's lease; while it
 * leads, informers feed a keyed work queue that N workers drain through the Rollout reconciler (canary or blue-green).
 */
export class Agent {
  readonly metrics: AgentMetrics;
  readonly client: KubeClient;
  readonly events: EventRecorder;
  readonly commands: CommandExecutor;
  readonly logger: Logger;
  readonly kinds: ReturnType<typeof argoKinds>;
  private readonly o: AgentOptions;
  private readonly election: LeaderElection | undefined;
  private health: HealthServer | undefined;
  private running:
    | {
        rollouts: Informer<Rollout>;
        replicaSets: Informer<ReplicaSet>;
        loop: ReconcileLoop<string>;
        reconciler: RolloutReconciler;
        analysisRuns: Informer<KubeObject>;
        jobs: Informer<KubeObject>;
        analysisLoop: ReconcileLoop<string>;
        analysis: AnalysisRunReconciler;
      }
    | undefined;
  private readonly roundListeners: Array<(r: RolloutRound) => void> = [];
  private readonly analysisListeners: Array<(r: AnalysisRunRound) => void> = [];
  private starting: Promise<void> | undefined;
  epoch = 0;
  metricsPort: number | undefined;

  constructor(options: AgentOptions) {
    this.o = options;
    this.logger = options.logger ?? createLogger("bellwether-agent");
    this.metrics = new AgentMetrics(options.version ?? "0.1.0");
    this.client = new KubeClient(options.kubeConfig, {
      onRequest: (r) => this.metrics.recordRequest(r.verb, r.path, r.statusCode),
    });
    this.kinds = argoKinds(options.apiGroup);
    this.events = new EventRecorder(this.client);
    this.events.onError = (e) => this.logger.warn({ err: String(e) }, "could not record event");
    this.commands = new CommandExecutor(this.client, this.kinds.rollouts);
    const le = options.leaderElection;
    if (le) {
      this.election = new LeaderElection({
        client: this.client,
        namespace: le.namespace,
        leaseName: le.leaseName ?? "bellwether-agent",
        identity: le.identity ?? `${hostname()}_${process.pid}`,
        ...(le.leaseDurationMs ? { leaseDurationMs: le.leaseDurationMs } : {}),
        ...(le.renewDeadlineMs ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
        ...(le.retryPeriodMs ? { retryPeriodMs: le.retryPeriodMs } : {}),
        onStartedLeading: (epoch) => {
          this.epoch = epoch;
          this.metrics.epoch.set(epoch);
          this.metrics.leader.set(1);
          this.logger.info({ epoch }, "started leading");
          this.starting = this.startControllers();
          return this.starting;
        },
        onStoppedLeading: () => {
          this.metrics.leader.set(0);
          this.logger.warn("lost leadership");
          void this.stopControllers().then(() => this.o.onLostLeadership?.());
        },
        onNewLeader: (identity) => this.logger.info({ leader: identity }, "leader observed"),
        onError: (e) => this.logger.warn({ err: String(e) }, "leader election"),
      });
    }
  }

  /** Observe every reconcile round (status as written). */
  onRound(listener: (r: RolloutRound) => void): void {
    this.roundListeners.push(listener);
    this.running?.reconciler.rounds.push(listener);
  }

  /** Observe every AnalysisRun round (status as written). */
  onAnalysisRound(listener: (r: AnalysisRunRound) => void): void {
    this.analysisListeners.push(listener);
    this.running?.analysis.rounds.push(listener);
  }

  onEvent(listener: (e: RecordedEvent) => void): void {
    this.events.subscribe(listener);
  }

  get isLeader(): boolean {
    return this.election ? this.election.isLeader : this.running !== undefined;
  }

  async start(): Promise<void> {
    if (this.o.metricsAddress) {
      const [host = "127.0.0.1", port = "8090"] = this.o.metricsAddress.split(":");
      this.health = new HealthServer(this.metrics.registry, () => this.healthReport());
      this.metricsPort = await this.health.listen(Number(port), host);
    }
    if (this.election) this.election.start();
    else {
      this.epoch = 1;
      this.starting = this.startControllers();
      await this.starting;
    }
  }

  /** Resolves once this agent leads and its caches are synced. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (
      !this.running?.rollouts.synced ||
      !this.running.replicaSets.synced ||
      !this.running.analysisRuns.synced ||
      !this.running.jobs.synced
    ) {
      if (Date.now() > deadline) throw new Error("agent did not become ready in time");
      await this.starting;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  healthReport(): HealthReport {
    const r = this.running;
    const informers = r ? [r.rollouts.health(), r.replicaSets.health(), r.analysisRuns.health(), r.jobs.health()] : [];
    return {
      ok: this.election ? true : informers.every((i) => i.synced),
      leader: this.isLeader,
      epoch: this.epoch,
      informers,
      queue: this.running ? { depth: this.running.loop.queue.length, busy: this.running.loop.busy } : undefined,
    };
  }

  private async startControllers(): Promise<void> {
    if (this.running) return;
    const relist = this.o.relistIntervalMs ? { relistIntervalMs: this.o.relistIntervalMs } : {};
    const ns = this.o.namespace ? { namespace: this.o.namespace } : {};
    const rollouts = new Informer<Rollout>({ client: this.client, ref: this.kinds.rollouts, ...ns, ...relist });
    const replicaSets = new Informer<ReplicaSet>({ client: this.client, ref: builtins.replicaSets, ...ns, ...relist });
    const analysisRuns = new Informer<KubeObject>({
      client: this.client,
      ref: this.kinds.analysisRuns,
      ...ns,
      ...relist,
    });
    const rolloutRuns = new RolloutAnalysisRuns(this.client, this.kinds, analysisRuns);
    const reconciler = new RolloutReconciler({
      client: this.client,
      rolloutKind: this.kinds.rollouts,
      rollouts,
      replicaSets,
      events: this.events,
      logger: this.logger,
      metrics: this.metrics,
      ...(this.o.instanceId ? { instanceId: this.o.instanceId } : {}),
      ...(this.o.routerFor ? { routerFor: this.o.routerFor } : {}),
      analysisRuns: rolloutRuns,
    });
    reconciler.rounds.push(...this.roundListeners);
    const loop = new ReconcileLoop<string>({
      workers: this.o.workers ?? 4,
      reconcile: (key) => reconciler.reconcile(key),
      observer: {
        onReconciled: (key, handlerMs, waitedMs) => this.o.onReconciled?.(key, handlerMs, waitedMs),
        onError: this.reconcileFailed("rollout", "reconcile failed"),
      },
    });
    const enqueue = (o: Rollout) => loop.queue.add(objectKey(o));
    rollouts.on("add", enqueue);
    rollouts.on("update", (_old, o) => enqueue(o));
    rollouts.on("delete", enqueue);
    const enqueueOwner = (rs: ReplicaSet) => {
      const key = reconciler.ownerKey(rs);
      if (key) loop.queue.add(key);
    };
    replicaSets.on("add", enqueueOwner);
    replicaSets.on("update", (_old, rs) => enqueueOwner(rs));
    replicaSets.on("delete", enqueueOwner);
    // Only Jobs that measure a run: their completion is what resumes a Job measurement.
    const jobs = new Informer<KubeObject>({
      client: this.client,
      ref: builtins.jobs,
      labelSelector: ANALYSIS_RUN_UID_LABEL,
      ...ns,
      ...relist,
    });
    const analysis = new AnalysisRunReconciler({
      client: this.client,
      analysisRunKind: this.kinds.analysisRuns,
      events: this.events,
      logger: this.logger,
      ...(this.o.metricProviders ? { providers: this.o.metricProviders } : {}),
    });
    analysis.rounds.push(...this.analysisListeners);
    const analysisLoop = new ReconcileLoop<string>({
      workers: this.o.workers ?? 4,
      reconcile: (key) => analysis.reconcile(key),
      observer: {
        onError: this.reconcileFailed("analysisRun", "analysis reconcile failed"),
      },
    });
    const enqueueRun = (o: KubeObject) => {
      analysisLoop.queue.add(objectKey(o));
      // A run's phase is what moves its Rollout's analysis step or background analysis on.
      const owner = rolloutRuns.ownerKey(o);
      if (owner) loop.queue.add(owner);
    };
    analysisRuns.on("add", enqueueRun);
    analysisRuns.on("update", (_old, o) => enqueueRun(o));
    const enqueueJobOwner = (job: KubeObject) => {
      const owner = job.metadata.ownerReferences?.find((o) => o.kind === "AnalysisRun" && o.controller);
      if (owner && job.metadata.namespace) analysisLoop.queue.add(`${job.metadata.namespace}/${owner.name}`);
    };
    jobs.on("add", enqueueJobOwner);
    jobs.on("update", (_old, job) => enqueueJobOwner(job));
    for (const inf of [rollouts, replicaSets, analysisRuns, jobs]) {
      inf.on("error", (e) =>
        this.logger.warn({ resource: inf.health().resource, err: String(e) }, "watch failed; retrying"),
      );
    }
    this.running = { rollouts, replicaSets, loop, reconciler, analysisRuns, jobs, analysisLoop, analysis };
    // ReplicaSets and AnalysisRuns first: a Rollout reconciled before they are cached would create duplicates.
    await replicaSets.start();
    await analysisRuns.start();
    await rollouts.start();
    loop.start();
    await jobs.start();
    analysisLoop.start();
    this.logger.info({ rollouts: rollouts.size, replicaSets: replicaSets.size }, "caches synced; reconciling");
  }

  private reconcileFailed(field: string, message: string) {
    return (key: string, err: unknown, retryInMs: number, retries: number) =>
      this.logger.warn(
        { [field]: key, err: err instanceof Error ? err.message : String(err), retryInMs, retries },
        message,
      );
  }

  private async stopControllers(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    await Promise.all([r.loop.stop(), r.analysisLoop.stop()]);
    await Promise.all([r.rollouts.stop(), r.replicaSets.stop(), r.analysisRuns.stop(), r.jobs.stop()]);
  }

  async stop(): Promise<void> {
    await this.election?.stop();
    await this.stopControllers();
    await this.health?.close();
  }
}
