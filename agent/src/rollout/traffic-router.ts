import type { Rollout, WeightDestination } from "@bellwether/core";

/**
 * Moves traffic between the stable and canary versions of one Rollout. Implementations are named for their
 * technology (NGINX, Istio, SMI, Gateway API, ALB, Traefik) and come with the router issues; without one the
 * canary is realised by pod ratio.
 */
export interface TrafficRouter {
  readonly type: string;
  /** Sends `desiredWeight` (0..maxTrafficWeight) to the canary; `additional` are experiment destinations. */
  setWeight(rollout: Rollout, desiredWeight: number, additional: WeightDestination[]): Promise<void>;
  /** Whether the weight is in effect; undefined when the router cannot tell. */
  verifyWeight?(rollout: Rollout, desiredWeight: number): Promise<boolean | undefined>;
  /** Points the router's canary/stable destinations at these pod-template hashes, where it selects by hash. */
  updateHash?(rollout: Rollout, canaryHash: string, stableHash: string): Promise<void>;
}
