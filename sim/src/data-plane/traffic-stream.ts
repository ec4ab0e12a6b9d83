import type { KubeCluster } from "../kube-cluster.ts";
import type { RequestMetrics } from "../metrics/request-metrics.ts";
import { type Backend, serviceBackends } from "./service-backends.ts";
import { SmoothWeightedRoundRobin } from "./smooth-weighted-round-robin.ts";
import type { TrafficRouter } from "./traffic-router.ts";
import type { TrafficSpec } from "./traffic-spec.ts";

/** One version's part of a stream's traffic. */
export interface VersionShare {
  service: string;
  version: string;
  /** Requests since the route last changed. */
  requests: number;
  /** requests / all requests since the route last changed. */
  share: number;
  /** The share the current objects imply (Service weight × the version's part of its ready endpoints). */
  expectedShare: number;
}

/** The effective split of a stream, as JSON for tests, the demo and dashboards. */
export interface TrafficSplit {
  namespace: string;
  service?: string;
  host?: string;
  headers: Record<string, string>;
  rps: number;
  /** The router that decided ("service" when the stream goes straight to a Service), none for a 404. */
  router?: string;
  /** The objects the router read, as `Kind/name`. */
  routeObjects: string[];
  /** Backend Services and their weights; empty when nothing routes the target (404). */
  routes: { service: string; weight: number }[];
  /** Requests since the route (weights or ready endpoints) last changed, and in total. */
  requestsSinceChange: number;
  requestsTotal: number;
  versions: VersionShare[];
}

interface Route {
  router?: string;
  objects: string[];
  services: { service: string; weight: number }[];
  backends: Map<string, Backend[]>;
}

/**
 * A stream of synthetic requests at a fixed rate. Each tick turns elapsed simulated time into a request count
 * (fractions carried over), resolves the route from the objects as they are now, spreads the requests by
 * smooth weighted round-robin over backend Services and then over their ready endpoints, and books successes,
 * errors (the version's `error-rate`, carried exactly rather than sampled) and latency per version.
 */
export class TrafficStream {
  spec: TrafficSpec;
  readonly #services = new SmoothWeightedRoundRobin<string>();
  readonly #endpoints = new Map<string, SmoothWeightedRoundRobin<string>>();
  readonly #errorCarry = new Map<string, number>();
  readonly #sinceChange = new Map<string, number>();
  #requestCarry = 0;
  #signature = "";
  #sinceChangeTotal = 0;
  #total = 0;
  #cached: Route | undefined;
  #cachedAt = -1;
  #cachedFor: TrafficSpec | undefined;

  readonly #routers: readonly TrafficRouter[];

  /** `routers` are asked in order; a Service stream no router claims goes to the Service directly. */
  constructor(spec: TrafficSpec, routers: readonly TrafficRouter[]) {
    this.spec = spec;
    this.#routers = routers;
  }

  tick(cluster: KubeCluster, metrics: RequestMetrics, elapsedMs: number, clockMs: number): void {
    const route = this.#resolve(cluster);
    const exact = (this.spec.rps * elapsedMs) / 1000 + this.#requestCarry;
    const count = Math.floor(exact + 1e-9);
    this.#requestCarry = Math.max(0, exact - count);
    if (count <= 0) return;
    const ns = this.spec.namespace;
    this.#total += count;
    this.#sinceChangeTotal += count;
    if (route.services.length === 0) {
      metrics.record(ns, "", "", "404", count, 0, clockMs);
      this.#book("", "", count);
      return;
    }
    for (const [service, n] of this.#services.distribute(count)) {
      const backends = route.backends.get(service) ?? [];
      const rr = this.#endpoints.get(service);
      if (backends.length === 0 || !rr) {
        // No ready endpoint: ingress-nginx answers 503, and so does this data plane.
        metrics.record(ns, service, "", "503", n, 0, clockMs);
        this.#book(service, "", n);
        continue;
      }
      const byId = new Map(backends.map((b) => [b.id, b]));
      const perVersion = new Map<string, { requests: number; expectedErrors: number; latencyMs: number }>();
      for (const [id, k] of rr.distribute(n)) {
        const b = byId.get(id);
        if (!b) continue;
        const acc = perVersion.get(b.version) ?? { requests: 0, expectedErrors: 0, latencyMs: b.latencyMs };
        acc.requests += k;
        acc.expectedErrors += k * b.errorRate;
        perVersion.set(b.version, acc);
      }
      for (const [version, acc] of perVersion) {
        const carryKey = `${service}\u0000${version}`;
        const owed = (this.#errorCarry.get(carryKey) ?? 0) + acc.expectedErrors;
        const errors = Math.min(acc.requests, Math.floor(owed + 1e-9));
        this.#errorCarry.set(carryKey, owed - errors);
        const seconds = acc.latencyMs / 1000;
        metrics.record(ns, service, version, "200", acc.requests - errors, seconds, clockMs);
        metrics.record(ns, service, version, "500", errors, seconds, clockMs);
        this.#book(service, version, acc.requests);
      }
    }
  }

  split(cluster: KubeCluster): TrafficSplit {
    const route = this.#resolve(cluster);
    const totalWeight = route.services.reduce((n, s) => n + s.weight, 0);
    const expected = new Map<string, number>();
    for (const s of route.services) {
      const backends = route.backends.get(s.service) ?? [];
      if (backends.length === 0) {
        expected.set(`${s.service}\u0000`, (expected.get(`${s.service}\u0000`) ?? 0) + s.weight / totalWeight);
        continue;
      }
      for (const b of backends) {
        const k = `${s.service}\u0000${b.version}`;
        expected.set(k, (expected.get(k) ?? 0) + s.weight / totalWeight / backends.length);
      }
    }
    const keys = new Set([...expected.keys(), ...this.#sinceChange.keys()]);
    const versions: VersionShare[] = [...keys].sort().map((k) => {
      const [service = "", version = ""] = k.split("\u0000");
      const requests = this.#sinceChange.get(k) ?? 0;
      return {
        service,
        version,
        requests,
        share: this.#sinceChangeTotal ? requests / this.#sinceChangeTotal : 0,
        expectedShare: expected.get(k) ?? 0,
      };
    });
    const out: TrafficSplit = {
      namespace: this.spec.namespace,
      headers: this.spec.headers,
      rps: this.spec.rps,
      routes: route.services,
      routeObjects: route.objects,
      requestsSinceChange: this.#sinceChangeTotal,
      requestsTotal: this.#total,
      versions,
    };
    if (this.spec.service !== undefined) out.service = this.spec.service;
    if (this.spec.host !== undefined) out.host = this.spec.host;
    if (route.router) out.router = route.router;
    return out;
  }

  #book(service: string, version: string, n: number): void {
    const k = `${service}\u0000${version}`;
    this.#sinceChange.set(k, (this.#sinceChange.get(k) ?? 0) + n);
  }

  /** Re-reads the route; a changed route (weights or endpoints) restarts the since-change counts. */
  #resolve(cluster: KubeCluster): Route {
    // Routing reads only objects, so while the cluster has seen no write the previous answer still holds.
    const rv = cluster.store.resourceVersion;
    if (this.#cached && this.#cachedAt === rv && this.#cachedFor === this.spec) return this.#cached;
    const route = this.#compute(cluster);
    this.#cached = route;
    this.#cachedAt = rv;
    this.#cachedFor = this.spec;
    return route;
  }

  #compute(cluster: KubeCluster): Route {
    const ns = this.spec.namespace;
    let route: Route | undefined;
    for (const router of this.#routers) {
      const decision = router.route(cluster, this.spec);
      if (!decision) continue;
      route = { router: decision.router, objects: decision.objects, services: decision.services, backends: new Map() };
      break;
    }
    if (!route && this.spec.service !== undefined) {
      route = {
        router: "service",
        objects: [`Service/${this.spec.service}`],
        services: [{ service: this.spec.service, weight: 1 }],
        backends: new Map(),
      };
    }
    route ??= { objects: [], services: [], backends: new Map() };
    for (const s of route.services) route.backends.set(s.service, serviceBackends(cluster, ns, s.service));
    const signature = JSON.stringify([
      route.services,
      [...route.backends].map(([s, bs]) => [s, bs.map((b) => `${b.id}:${b.version}:${b.errorRate}:${b.latencyMs}`)]),
    ]);
    if (signature !== this.#signature) {
      this.#signature = signature;
      this.#services.setWeights(route.services.map((s) => [s.service, s.weight]));
      for (const [service, backends] of route.backends) {
        let rr = this.#endpoints.get(service);
        if (!rr) {
          rr = new SmoothWeightedRoundRobin<string>();
          this.#endpoints.set(service, rr);
        }
        // kube-proxy and ingress-nginx spread a Service's traffic evenly over its ready endpoints.
        rr.setWeights(backends.map((b) => [b.id, 1]));
      }
      for (const service of this.#endpoints.keys()) if (!route.backends.has(service)) this.#endpoints.delete(service);
      this.#sinceChange.clear();
      this.#sinceChangeTotal = 0;
    }
    return route;
  }
}
