import { RecentCounts } from "./recent-counts.ts";

/** Histogram bounds in seconds (Prometheus client defaults). */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isError = (code: string) => code.startsWith("5");

/** Counters of one (namespace, service, version). */
export interface VersionSeries {
  namespace: string;
  service: string;
  version: string;
  /** Status code → requests. */
  codes: Map<string, number>;
  /** Per bucket of DURATION_BUCKETS_SECONDS (not cumulative); the last slot is +Inf. */
  buckets: number[];
  sumSeconds: number;
  count: number;
  /** Successes and errors per simulated second, for windowed queries. */
  recent: RecentCounts;
}

/** Success and error counts of one version, the shape the Web metric provider reads. */
export interface VersionCounts {
  version: string;
  requests: number;
  success: number;
  errors: number;
  /** errors / requests, 0 without requests. */
  errorRate: number;
  successRate: number;
}

/** The request counters and latency histograms of one cluster's data plane. */
export class RequestMetrics {
  readonly #series = new Map<string, VersionSeries>();

  record(
    namespace: string,
    service: string,
    version: string,
    code: string,
    requests: number,
    latencySeconds: number,
    /** Simulated time of the requests (the data plane's clock). */
    atMs = 0,
  ): void {
    if (requests <= 0) return;
    const id = `${namespace}\u0000${service}\u0000${version}`;
    let s = this.#series.get(id);
    if (!s) {
      s = {
        namespace,
        service,
        version,
        codes: new Map(),
        buckets: new Array(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
        sumSeconds: 0,
        count: 0,
        recent: new RecentCounts(),
      };
      this.#series.set(id, s);
    }
    s.codes.set(code, (s.codes.get(code) ?? 0) + requests);
    let slot = DURATION_BUCKETS_SECONDS.findIndex((b) => latencySeconds <= b);
    if (slot < 0) slot = DURATION_BUCKETS_SECONDS.length;
    s.buckets[slot] = (s.buckets[slot] ?? 0) + requests;
    s.sumSeconds += latencySeconds * requests;
    s.count += requests;
    const error = isError(code);
    s.recent.add(atMs, error ? 0 : requests, error ? requests : 0);
  }

  series(): VersionSeries[] {
    return [...this.#series.values()].sort(
      (a, b) => compare(a.namespace, b.namespace) || compare(a.service, b.service) || compare(a.version, b.version),
    );
  }

  /**
   * Per-version counts in a namespace, optionally of one Service; 5xx answers are errors. With `window`, only the
   * last `window.seconds` simulated seconds up to `window.nowMs` count (at most MAX_WINDOW_SECONDS).
   */
  versions(namespace: string, service?: string, window?: { seconds: number; nowMs: number }): VersionCounts[] {
    const byVersion = new Map<string, { success: number; errors: number }>();
    for (const s of this.#series.values()) {
      if (s.namespace !== namespace || (service !== undefined && s.service !== service)) continue;
      const acc = byVersion.get(s.version) ?? { success: 0, errors: 0 };
      if (window) {
        const recent = s.recent.sum(window.nowMs, window.seconds);
        acc.success += recent.success;
        acc.errors += recent.errors;
      } else {
        for (const [code, n] of s.codes) {
          if (isError(code)) acc.errors += n;
          else acc.success += n;
        }
      }
      byVersion.set(s.version, acc);
    }
    return [...byVersion.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([version, { success, errors }]) => {
        const requests = success + errors;
        return {
          version,
          requests,
          success,
          errors,
          errorRate: requests ? errors / requests : 0,
          successRate: requests ? success / requests : 0,
        };
      });
  }

  reset(): void {
    this.#series.clear();
  }
}
