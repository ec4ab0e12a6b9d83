import type { KubeCluster } from "../kube-cluster.ts";
import { renderPrometheusText } from "../metrics/prometheus-exposition.ts";
import { MAX_WINDOW_SECONDS } from "../metrics/recent-counts.ts";
import { RequestMetrics, type VersionCounts } from "../metrics/request-metrics.ts";
import { DataPlaneError } from "./data-plane-error.ts";
import { NginxIngressRouter } from "./nginx-ingress-routing.ts";
import type { TrafficRouter } from "./traffic-router.ts";
import { parseTrafficSpec, streamId, type TrafficSpec } from "./traffic-spec.ts";
import type { TrafficSplit } from "./traffic-stream.ts";
import { TrafficStream } from "./traffic-stream.ts";

export interface DataPlaneOptions {
  /** Real milliseconds between ticks while any stream runs (each tick simulates the time that passed). */
  tickMs?: number;
  /** The longest stretch one tick may simulate, so a stalled event loop does not release a burst. */
  maxStepMs?: number;
  /** Routers asked in order before a stream falls back to its Service (default: ingress-nginx). */
  routers?: TrafficRouter[];
}

interface ClusterTraffic {
  cluster: KubeCluster;
  metrics: RequestMetrics;
  streams: Map<string, TrafficStream>;
}

/**
 * Synthetic traffic for every emulated cluster of one process. Streams are set per cluster through the control
 * API; one interval (running only while some stream exists) advances all of them, and `advance(ms)` simulates
 * time synchronously for tests that want exact counts.
 */
export class DataPlane {
  readonly tickMs: number;
  readonly maxStepMs: number;
  readonly routers: readonly TrafficRouter[];
  /** The last error a tick swallowed, for the control API and tests. */
  lastError: { cluster: string; message: string } | undefined;
  readonly #clusters = new Map<string, ClusterTraffic>();
  #timer: NodeJS.Timeout | undefined;
  #lastTickAt = 0;
  #streamCount = 0;
  #clockMs = 0;

  constructor(options: DataPlaneOptions = {}) {
    this.tickMs = options.tickMs ?? 100;
    this.maxStepMs = options.maxStepMs ?? 5_000;
    this.routers = options.routers ?? [new NginxIngressRouter()];
    if (!(this.tickMs > 0)) throw new DataPlaneError("invalid", "tickMs: must be a positive number", "tickMs");
  }

  addCluster(cluster: KubeCluster): void {
    this.#clusters.set(cluster.name, { cluster, metrics: new RequestMetrics(), streams: new Map() });
  }

  removeCluster(name: string): void {
    const entry = this.#clusters.get(name);
    if (!entry) return;
    this.#streamCount -= entry.streams.size;
    this.#clusters.delete(name);
    this.#syncTimer();
  }

  /** Starts, changes or (with `rps: 0`) stops a stream; `body` is validated as the control API receives it. */
  setTraffic(clusterName: string, body: unknown): TrafficSplit | { stopped: true; namespace: string } {
    const entry = this.#entry(clusterName);
    const spec: TrafficSpec = parseTrafficSpec(body);
    const id = streamId(spec);
    const existing = entry.streams.get(id);
    if (spec.rps === 0) {
      if (existing) {
        entry.streams.delete(id);
        this.#streamCount--;
        this.#syncTimer();
      }
      return { stopped: true, namespace: spec.namespace };
    }
    let stream = existing;
    if (stream) stream.spec = spec;
    else {
      stream = new TrafficStream(spec, this.routers);
      entry.streams.set(id, stream);
      this.#streamCount++;
      this.#syncTimer();
    }
    return stream.split(entry.cluster);
  }

  streams(clusterName: string): TrafficSplit[] {
    const entry = this.#entry(clusterName);
    return [...entry.streams.values()].map((s) => s.split(entry.cluster));
  }

  /** The effective split of the stream for a Service or host (any headers), or undefined when none runs. */
  split(
    clusterName: string,
    target: { namespace: string; service?: string; host?: string; headers?: Record<string, string> },
  ): TrafficSplit | undefined {
    const entry = this.#entry(clusterName);
    const id = streamId({ ...target, headers: target.headers ?? {} });
    const stream = entry.streams.get(id);
    return stream?.split(entry.cluster);
  }

  /** Simulated milliseconds of traffic so far (all clusters share the clock). */
  get clockMs(): number {
    return this.#clockMs;
  }

  /**
   * Per-version success and error counts in a namespace (optionally one Service) of a cluster: since traffic
   * began, or over the last `windowSeconds` simulated seconds (1 to MAX_WINDOW_SECONDS).
   */
  versions(clusterName: string, namespace: string, service?: string, windowSeconds?: number): VersionCounts[] {
    const metrics = this.#entry(clusterName).metrics;
    if (windowSeconds === undefined) return metrics.versions(namespace, service);
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
      throw new DataPlaneError(
        "invalid",
        `windowSeconds: must be an integer from 1 to ${MAX_WINDOW_SECONDS}`,
        "windowSeconds",
      );
    }
    return metrics.versions(namespace, service, { seconds: windowSeconds, nowMs: this.#clockMs });
  }

  metrics(clusterName: string): RequestMetrics {
    return this.#entry(clusterName).metrics;
  }

  /** Prometheus text for one cluster, or for every cluster when no name is given. */
  prometheusText(clusterName?: string): string {
    if (clusterName !== undefined) return renderPrometheusText([[clusterName, this.#entry(clusterName).metrics]]);
    return renderPrometheusText([...this.#clusters].map(([name, e]) => [name, e.metrics] as [string, RequestMetrics]));
  }

  /** Simulates `ms` of traffic now, in steps of at most `tickMs` (and at most a second). */
  advance(ms: number): void {
    let remaining = ms;
    while (remaining > 0) {
      // At least one step per simulated second, so windowed counts keep their resolution with long ticks.
      const step = Math.min(this.tickMs, 1_000, remaining);
      this.#step(step);
      remaining -= step;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #step(elapsedMs: number): void {
    this.#clockMs += elapsedMs;
    for (const entry of this.#clusters.values()) {
      for (const stream of entry.streams.values()) {
        try {
          stream.tick(entry.cluster, entry.metrics, elapsedMs, this.#clockMs);
        } catch (e) {
          // Objects the routing cannot read (a malformed Ingress, say) cost that tick's requests, not the process.
          this.lastError = { cluster: entry.cluster.name, message: e instanceof Error ? e.message : String(e) };
        }
      }
    }
  }

  #syncTimer(): void {
    if (this.#streamCount > 0 && !this.#timer) {
      this.#lastTickAt = performance.now();
      this.#timer = setInterval(() => {
        const now = performance.now();
        const elapsed = Math.min(now - this.#lastTickAt, this.maxStepMs);
        this.#lastTickAt = now;
        this.#step(elapsed);
      }, this.tickMs);
      this.#timer.unref();
    } else if (this.#streamCount === 0 && this.#timer) this.stop();
  }

  #entry(name: string): ClusterTraffic {
    const entry = this.#clusters.get(name);
    if (!entry) throw new DataPlaneError("not_found", `cluster "${name}" is not emulated here`, "cluster");
    return entry;
  }
}
