import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

// Millisecond precision everywhere: ledger rows hash `at` as an ISO string, which must survive a round trip.
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });
const created = () => ts("created_at").notNull().defaultNow();

/** Roles of API tokens; `agent` tokens belong to one cluster and only open the agent gateway. */
export type TokenRole = "viewer" | "operator" | "admin" | "agent";

export const clusters = pgTable("clusters", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
  createdAt: created(),
  createdBy: text("created_by").notNull(),
  /** Last heartbeat; a cluster is connected while this is recent (design §4: 30 s). */
  lastSeenAt: ts("last_seen_at"),
  agentVersion: text("agent_version"),
  epoch: bigint("epoch", { mode: "number" }),
});

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    role: text("role").$type<TokenRole>().notNull(),
    /** sha256 of the token: tokens are 256-bit random, so a slow KDF would add nothing but latency. */
    tokenHash: text("token_hash").notNull().unique(),
    /** First characters of the token, so people can tell tokens apart without the secret. */
    prefix: text("prefix").notNull(),
    clusterId: uuid("cluster_id").references(() => clusters.id, { onDelete: "cascade" }),
    createdAt: created(),
    createdBy: text("created_by").notNull(),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [index("api_tokens_cluster_idx").on(t.clusterId)],
);

const versioned = (name: string) =>
  pgTable(
    name,
    {
      name: text("name").notNull(),
      version: integer("version").notNull(),
      spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
      createdAt: created(),
      createdBy: text("created_by").notNull(),
      reason: text("reason"),
      /** Set on every version when the name is deleted; versions are never rewritten otherwise. */
      deletedAt: ts("deleted_at"),
    },
    (t) => [primaryKey({ columns: [t.name, t.version] })],
  );

/** Analysis templates authored at the hub, one immutable row per version. */
export const analysisTemplates = versioned("analysis_templates");
/** Rollout policies, one immutable row per version. */
export const rolloutPolicies = versioned("rollout_policies");

/** The newest summary of every Rollout in every cluster, kept by `(epoch, seq)`. */
export const clusterRollouts = pgTable(
  "cluster_rollouts",
  {
    clusterId: uuid("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    app: text("app").notNull(),
    phase: text("phase").notNull(),
    policyName: text("policy_name"),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull(),
    epoch: bigint("epoch", { mode: "number" }).notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.clusterId, t.namespace, t.name] }),
    index("cluster_rollouts_app_idx").on(t.app),
    index("cluster_rollouts_phase_idx").on(t.phase),
    index("cluster_rollouts_policy_idx").on(t.policyName),
  ],
);

/** Commands to agents (outbox): stored before they are sent, answered by the agent's CommandResult. */
export const commands = pgTable(
  "commands",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    clusterId: uuid("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    namespace: text("namespace").notNull(),
    rollout: text("rollout").notNull(),
    app: text("app").notNull(),
    action: text("action").notNull(),
    args: jsonb("args").$type<Record<string, unknown>>().notNull().default({}),
    actor: text("actor").notNull(),
    reason: text("reason").notNull(),
    ttlSeconds: integer("ttl_seconds").notNull(),
    /** pending → sent → applied | rejected | expired */
    state: text("state").notNull().default("pending"),
    outcomeReason: text("outcome_reason"),
    createdAt: created(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("commands_cluster_state_idx").on(t.clusterId, t.state, t.createdAt)],
);

export const fleetReleases = pgTable(
  "fleet_releases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    app: text("app").notNull(),
    /** container → image */
    target: jsonb("target").$type<Record<string, string>>().notNull(),
    mode: text("mode").notNull(),
    failurePolicy: text("failure_policy").notNull(),
    state: text("state").notNull(),
    /** The frozen membership and order, as previewed. */
    plan: jsonb("plan").$type<Record<string, unknown>>().notNull(),
    createdAt: created(),
    createdBy: text("created_by").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // One active release per app (design §5).
    uniqueIndex("fleet_releases_active_app_idx").on(t.app).where(sql`${t.state} in ('Pending', 'Running', 'Halted')`),
    index("fleet_releases_app_idx").on(t.app, t.createdAt),
  ],
);

export const releaseWaves = pgTable(
  "release_waves",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => fleetReleases.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    name: text("name").notNull(),
    spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
    state: text("state").notNull(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.index] })],
);

export const releaseClusters = pgTable(
  "release_clusters",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => fleetReleases.id, { onDelete: "cascade" }),
    clusterId: uuid("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    waveIndex: integer("wave_index").notNull(),
    position: integer("position").notNull(),
    state: text("state").notNull(),
    reason: text("reason"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.clusterId] }), index("release_clusters_cluster_idx").on(t.clusterId)],
);

export const approvals = pgTable(
  "approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    releaseId: uuid("release_id")
      .notNull()
      .references(() => fleetReleases.id, { onDelete: "cascade" }),
    waveIndex: integer("wave_index").notNull(),
    approver: text("approver").notNull(),
    reason: text("reason").notNull(),
    createdAt: created(),
  },
  (t) => [uniqueIndex("approvals_once_idx").on(t.releaseId, t.waveIndex, t.approver)],
);

/** Head of every ledger chain, moved only by the chain's single writer. */
export const ledgerChains = pgTable("ledger_chains", {
  chain: text("chain").primaryKey(),
  headSeq: bigint("head_seq", { mode: "number" }).notNull(),
  headHash: text("head_hash").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Append-only ledger rows; `hash` chains each row to the previous one of its chain (ADR 0008). */
export const ledgerEvents = pgTable(
  "ledger_events",
  {
    chain: text("chain").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    /** Global append order, for newest-first paging across chains; not part of the hash. */
    pos: bigint("pos", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    at: ts("at").notNull(),
    actor: text("actor").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.chain, t.seq] }),
    uniqueIndex("ledger_events_pos_idx").on(t.pos),
    index("ledger_events_chain_pos_idx").on(t.chain, t.pos),
    index("ledger_events_actor_pos_idx").on(t.actor, t.pos),
    index("ledger_events_kind_pos_idx").on(t.kind, t.pos),
    index("ledger_events_cluster_pos_idx").on(sql`(${t.data}->>'cluster')`, t.pos),
    index("ledger_events_at_idx").on(t.at),
  ],
);

/** Events waiting for their chain's writer; `(source, event_id)` is unique so a redelivery is a no-op. */
export const ledgerInbox = pgTable(
  "ledger_inbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    chain: text("chain").notNull(),
    at: ts("at").notNull(),
    actor: text("actor").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    /** The ledger seq it became; null while pending. Kept so that a late redelivery stays a no-op. */
    appendedSeq: bigint("appended_seq", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("ledger_inbox_source_event_idx").on(t.source, t.eventId),
    index("ledger_inbox_pending_idx").on(t.chain, t.id).where(sql`${t.appendedSeq} is null`),
  ],
);
