import type { KubeCluster } from "../kube-cluster.ts";
import type { TrafficSpec } from "./traffic-spec.ts";

/** Where a router sends a stream: backend Services with relative weights, and the objects that said so. */
export interface RouterDecision {
  /** The router that decided, e.g. "nginx". */
  router: string;
  /** The objects read, as `Kind/name` (e.g. `Ingress/web`, `Ingress/web-web-canary`). */
  objects: string[];
  /** Backend Services and weights; an empty list means the router claims the target but sends nothing. */
  services: { service: string; weight: number }[];
}

/**
 * One traffic-routing technology of the data plane (ingress-nginx now; Istio, SMI, Gateway API, ALB and Traefik
 * arrive with their router issues). A router reads only objects and returns undefined when its objects do
 * not claim the stream's target, so the next router (and finally the plain Service) gets to answer.
 */
export interface TrafficRouter {
  readonly name: string;
  route(cluster: KubeCluster, spec: TrafficSpec): RouterDecision | undefined;
}
