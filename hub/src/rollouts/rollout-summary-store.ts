import { sql } from "drizzle-orm";
import type { Change } from "../change-feed/change-feed.ts";
import type { Db } from "../store/database.ts";
import { clusterRollouts } from "../store/schema.ts";

/** What an agent reports for one Rollout (design §4: state, not diffs). */
export interface RolloutSummaryInput {
  namespace: string;
  name: string;
  app: string;
  phase: string;
  policyName?: string | null;
  /** The full summary as reported (steps, weights, hashes, images, analysis runs, ReplicaSets …). */
  summary: Record<string, unknown>;
  epoch: number;
  seq: number;
}

/**
 * Keeps the newest summary per Rollout: a summary older than the stored one by `(epoch, seq)` is ignored, so
 * replays after a reconnect never move a Rollout back in time. Returns the change to publish, or null when
 * the summary was stale.
 */
export async function storeRolloutSummary(
  db: Db,
  cluster: { id: string; name: string },
  s: RolloutSummaryInput,
): Promise<Change | null> {
  const values = {
    clusterId: cluster.id,
    namespace: s.namespace,
    name: s.name,
    app: s.app,
    phase: s.phase,
    policyName: s.policyName ?? null,
    summary: s.summary,
    epoch: s.epoch,
    seq: s.seq,
  };
  const stored = await db
    .insert(clusterRollouts)
    .values(values)
    .onConflictDoUpdate({
      target: [clusterRollouts.clusterId, clusterRollouts.namespace, clusterRollouts.name],
      set: {
        app: sql`excluded.app`,
        phase: sql`excluded.phase`,
        policyName: sql`excluded.policy_name`,
        summary: sql`excluded.summary`,
        epoch: sql`excluded.epoch`,
        seq: sql`excluded.seq`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`(${clusterRollouts.epoch}, ${clusterRollouts.seq}) < (excluded.epoch, excluded.seq)`,
    })
    .returning({ updatedAt: clusterRollouts.updatedAt });
  const row = stored[0];
  if (!row) return null;
  return {
    type: "rollout",
    kind: "rollout.updated",
    subject: `${cluster.name}/${s.namespace}/${s.name}`,
    at: row.updatedAt.toISOString(),
    cluster: cluster.name,
    data: { app: s.app, phase: s.phase, epoch: s.epoch, seq: s.seq },
  };
}
