import type { KubeCluster } from "../kube-cluster.ts";
import type { KubeObject } from "../kube-object.ts";
import type { RouterDecision, TrafficRouter } from "./traffic-router.ts";
import type { TrafficSpec } from "./traffic-spec.ts";

export const NGINX_ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io";

/** Where the ingress controller sends a host's requests: backend Services with relative weights. */
export interface IngressRoute {
  /** The Ingress whose rule owns the host. */
  ingress: string;
  /** The canary Ingress merged into it, if any. */
  canaryIngress?: string;
  services: { service: string; weight: number }[];
}

interface IngressRule {
  host?: string;
  http?: { paths?: { path?: string; backend?: { service?: { name?: string } } }[] };
}

function backendFor(ingress: KubeObject, host: string): string | undefined {
  const all = (ingress.spec as { rules?: unknown } | undefined)?.rules;
  const rules = (Array.isArray(all) ? (all as IngressRule[]) : []).filter((r) => r?.host === host);
  for (const rule of rules) {
    const paths = Array.isArray(rule.http?.paths) ? (rule.http?.paths ?? []) : [];
    const root = paths.find((p) => (p.path ?? "/") === "/") ?? paths[0];
    const name = root?.backend?.service?.name;
    if (name) return name;
  }
  return undefined;
}

/** ingress-nginx's order: oldest first, ties by name (creation timestamps only have second precision). */
function byAge(a: KubeObject, b: KubeObject): number {
  const at = a.metadata.creationTimestamp ?? "";
  const bt = b.metadata.creationTimestamp ?? "";
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

function intAnnotation(annotations: Record<string, string>, key: string, fallback: number): number {
  const raw = annotations[key];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return fallback;
  return Number(raw);
}

/**
 * Routes a host the way ingress-nginx does: the oldest non-canary Ingress with a rule for the host serves it;
 * the oldest Ingress annotated `canary: "true"` for the same host is merged in — `canary-by-header`
 * (`always` / `never`, or a match on `canary-by-header-value`) decides first, then `canary-weight` out of
 * `canary-weight-total` (default 100). Canary annotations without `canary: "true"`, and canary Ingresses for
 * other hosts, change nothing, as in the real controller.
 */
export function routeHost(
  cluster: KubeCluster,
  namespace: string,
  host: string,
  headers: Record<string, string> = {},
  prefix = NGINX_ANNOTATION_PREFIX,
): IngressRoute | undefined {
  const all = [...cluster.store.list("ingresses.networking.k8s.io", namespace)]
    .filter((i) => !i.metadata.deletionTimestamp && backendFor(i, host) !== undefined)
    .sort(byAge);
  const isCanary = (i: KubeObject) => i.metadata.annotations?.[`${prefix}/canary`] === "true";
  const main = all.find((i) => !isCanary(i));
  if (!main) return undefined;
  const mainService = backendFor(main, host) ?? "";
  const canary = all.find(isCanary);
  if (!canary) return { ingress: main.metadata.name ?? "", services: [{ service: mainService, weight: 1 }] };
  const canaryService = backendFor(canary, host) ?? "";
  const a = canary.metadata.annotations ?? {};
  const route = (canaryWeight: number, total: number): IngressRoute => ({
    ingress: main.metadata.name ?? "",
    canaryIngress: canary.metadata.name ?? "",
    services: [
      { service: mainService, weight: Math.max(0, total - canaryWeight) },
      { service: canaryService, weight: canaryWeight },
    ].filter((s) => s.weight > 0),
  });
  const headerName = a[`${prefix}/canary-by-header`];
  if (headerName) {
    const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const value = lowered[headerName.toLowerCase()];
    const expected = a[`${prefix}/canary-by-header-value`];
    if (value !== undefined) {
      if (expected !== undefined) {
        if (value === expected) return route(1, 1);
      } else if (value === "always") return route(1, 1);
      else if (value === "never") return route(0, 1);
    }
  }
  const total = Math.max(1, intAnnotation(a, `${prefix}/canary-weight-total`, 100));
  const weight = Math.min(total, intAnnotation(a, `${prefix}/canary-weight`, 0));
  return route(weight, total);
}

/** ingress-nginx as a data-plane router: claims host streams that an Ingress in the namespace serves. */
export class NginxIngressRouter implements TrafficRouter {
  readonly name = "nginx";
  readonly #prefix: string;

  constructor(annotationPrefix = NGINX_ANNOTATION_PREFIX) {
    this.#prefix = annotationPrefix;
  }

  route(cluster: KubeCluster, spec: TrafficSpec): RouterDecision | undefined {
    if (spec.host === undefined) return undefined;
    const r = routeHost(cluster, spec.namespace, spec.host, spec.headers, this.#prefix);
    if (!r) return undefined;
    const objects = [`Ingress/${r.ingress}`];
    if (r.canaryIngress) objects.push(`Ingress/${r.canaryIngress}`);
    return { router: this.name, objects, services: r.services };
  }
}
