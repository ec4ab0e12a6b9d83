import { isDns1123Label } from "@bellwether/core";
import { and, asc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { apiTokenPrefix, hashApiToken, newApiToken } from "../../auth/api-token.ts";
import { ADMIN_CHAIN } from "../../ledger/ledger-row.ts";
import { apiTokens, clusters } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { conflict, invalid, notFound } from "../api-error.ts";
import { parseLabelSelector, validateLabels } from "../labels.ts";
import { principalOf, reasonOf } from "../request-context.ts";

type ClusterRow = typeof clusters.$inferSelect;
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

export function clusterView(c: ClusterRow, disconnectAfterSeconds: number, now = Date.now()) {
  const state = !c.lastSeenAt
    ? "never-connected"
    : now - c.lastSeenAt.getTime() <= disconnectAfterSeconds * 1000
      ? "connected"
      : "disconnected";
  return {
    name: c.name,
    labels: c.labels,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    connection: {
      state,
      lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
      agentVersion: c.agentVersion,
      epoch: c.epoch,
    },
  };
}

const nameParam = {
  type: "object",
  properties: { name: { type: "string" } },
  required: ["name"],
} as const;

export function registerClusterRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: { name: string; labels?: Record<string, string> } }>(
    "/api/v1/clusters",
    {
      config: { role: "admin" },
      schema: {
        tags: ["clusters"],
        summary: "Register a cluster; the agent token is returned once",
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: { name: { type: "string" }, labels: { type: "object" } },
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const { name } = req.body;
      if (!isDns1123Label(name)) {
        throw invalid(
          "name",
          "must be a DNS-1123 label: at most 63 lowercase alphanumerics or '-', alphanumeric at both ends",
        );
      }
      const labels = validateLabels(req.body.labels);
      const token = newApiToken();
      const created = await ctx.mutate(who.actor, async (tx, record) => {
        const [row] = await tx
          .insert(clusters)
          .values({ name, labels, createdBy: who.actor })
          .onConflictDoNothing({ target: clusters.name })
          .returning();
        if (!row) throw conflict("ALREADY_EXISTS", `cluster ${name} already exists`, "name");
        await tx.insert(apiTokens).values({
          name: `cluster:${name}`,
          role: "agent",
          tokenHash: hashApiToken(token),
          prefix: apiTokenPrefix(token),
          clusterId: row.id,
          createdBy: who.actor,
        });
        await record({
          chain: ADMIN_CHAIN,
          kind: "cluster.registered",
          subject: `cluster/${name}`,
          data: { cluster: name, labels, reason },
        });
        return row;
      });
      return reply.code(201).send({ cluster: clusterView(created, ctx.disconnectAfterSeconds), token });
    },
  );

  app.get<{ Querystring: { label?: string } }>(
    "/api/v1/clusters",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["clusters"],
        summary: "List clusters with labels and connection state",
        querystring: { type: "object", properties: { label: { type: "string", description: "k=v[,k=v]" } } },
      },
    },
    async (req) => {
      const selector = req.query.label ? parseLabelSelector(req.query.label, "label") : undefined;
      const rows = await ctx.db
        .select()
        .from(clusters)
        .where(selector ? sql`${clusters.labels} @> ${JSON.stringify(selector)}::jsonb` : undefined)
        .orderBy(asc(clusters.name));
      const now = Date.now();
      return { items: rows.map((c) => clusterView(c, ctx.disconnectAfterSeconds, now)) };
    },
  );

  app.get<{ Params: { name: string } }>(
    "/api/v1/clusters/:name",
    { config: { role: "viewer" }, schema: { tags: ["clusters"], summary: "One cluster", params: nameParam } },
    async (req) => {
      const [row] = await ctx.db.select().from(clusters).where(eq(clusters.name, req.params.name));
      if (!row) throw notFound(`cluster ${req.params.name}`);
      return clusterView(row, ctx.disconnectAfterSeconds);
    },
  );

  app.post<{ Params: { name: string }; Body: { overlapSeconds?: number } | undefined }>(
    "/api/v1/clusters/:name/rotate-token",
    {
      config: { role: "admin" },
      schema: {
        tags: ["clusters"],
        summary: "Issue a new agent token; the old ones stay valid for the overlap window",
        params: nameParam,
        body: {
          type: "object",
          additionalProperties: false,
          properties: { overlapSeconds: { type: "integer", minimum: 0, maximum: MAX_OVERLAP_SECONDS, default: 3600 } },
        },
      },
    },
    async (req) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const overlapSeconds = req.body?.overlapSeconds ?? 3600;
      const token = newApiToken();
      const previousValidUntil = new Date(Date.now() + overlapSeconds * 1000);
      await ctx.mutate(who.actor, async (tx, record) => {
        const [row] = await tx.select().from(clusters).where(eq(clusters.name, req.params.name)).for("update");
        if (!row) throw notFound(`cluster ${req.params.name}`);
        const now = new Date();
        // Shorten, never lengthen, the life of the tokens in use.
        await tx
          .update(apiTokens)
          .set({
            expiresAt: sql`least(coalesce(${apiTokens.expiresAt}, 'infinity'::timestamptz), ${previousValidUntil.toISOString()}::timestamptz)`,
          })
          .where(
            and(
              eq(apiTokens.clusterId, row.id),
              isNull(apiTokens.revokedAt),
              or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
            ),
          );
        await tx.insert(apiTokens).values({
          name: `cluster:${row.name}`,
          role: "agent",
          tokenHash: hashApiToken(token),
          prefix: apiTokenPrefix(token),
          clusterId: row.id,
          createdBy: who.actor,
        });
        await record({
          chain: ADMIN_CHAIN,
          kind: "cluster.token-rotated",
          subject: `cluster/${row.name}`,
          data: { cluster: row.name, overlapSeconds, previousValidUntil: previousValidUntil.toISOString(), reason },
        });
      });
      return { token, previousTokensValidUntil: previousValidUntil.toISOString() };
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/api/v1/clusters/:name",
    {
      config: { role: "admin" },
      schema: { tags: ["clusters"], summary: "Remove a cluster and its tokens", params: nameParam },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      await ctx.mutate(who.actor, async (tx, record) => {
        const [row] = await tx.delete(clusters).where(eq(clusters.name, req.params.name)).returning();
        if (!row) throw notFound(`cluster ${req.params.name}`);
        await record({
          chain: ADMIN_CHAIN,
          kind: "cluster.removed",
          subject: `cluster/${row.name}`,
          data: { cluster: row.name, reason },
        });
      });
      return reply.code(204).send();
    },
  );
}
