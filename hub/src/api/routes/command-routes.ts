import { isDns1123Subdomain } from "@bellwether/core";
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { COMMAND_ACTIONS, type CommandAction, validateCommandArgs } from "../../commands/command-action.ts";
import { appChain } from "../../ledger/ledger-row.ts";
import { clusterRollouts, clusters, commands } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { invalid, invalidIssues, notFound } from "../api-error.ts";
import { principalOf, reasonOf } from "../request-context.ts";

interface CommandBody {
  cluster: string;
  namespace: string;
  rollout: string;
  action: CommandAction;
  args?: Record<string, unknown>;
  reason?: string;
  ttlSeconds?: number;
}

function commandView(c: typeof commands.$inferSelect, cluster: string) {
  return {
    id: c.id,
    cluster,
    namespace: c.namespace,
    rollout: c.rollout,
    app: c.app,
    action: c.action,
    args: c.args,
    actor: c.actor,
    reason: c.reason,
    state: c.state,
    outcomeReason: c.outcomeReason,
    ttlSeconds: c.ttlSeconds,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
  };
}

export function registerCommandRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: CommandBody }>(
    "/api/v1/commands",
    {
      config: { role: "operator" },
      schema: {
        tags: ["commands"],
        summary: "Send a conditional command to a Rollout in a cluster (stored in the outbox first)",
        body: {
          type: "object",
          required: ["cluster", "namespace", "rollout", "action"],
          additionalProperties: false,
          properties: {
            cluster: { type: "string" },
            namespace: { type: "string" },
            rollout: { type: "string" },
            action: { type: "string", enum: [...COMMAND_ACTIONS] },
            args: { type: "object" },
            reason: { type: "string" },
            ttlSeconds: { type: "integer", minimum: 1, maximum: 86400, default: 300 },
          },
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const b = req.body;
      const reason = reasonOf(req, b.reason);
      if (!isDns1123Subdomain(b.namespace)) throw invalid("namespace", "must be a Kubernetes namespace name");
      if (!isDns1123Subdomain(b.rollout)) throw invalid("rollout", "must be a Kubernetes object name");
      const args = b.args ?? {};
      const issues = validateCommandArgs(b.action, args);
      if (issues.length) throw invalidIssues(issues);
      const ttlSeconds = b.ttlSeconds ?? 300;
      const row = await ctx.mutate(who.actor, async (tx, record) => {
        const [cluster] = await tx.select().from(clusters).where(eq(clusters.name, b.cluster));
        if (!cluster) throw notFound(`cluster ${b.cluster}`);
        const [known] = await tx
          .select({ app: clusterRollouts.app })
          .from(clusterRollouts)
          .where(
            and(
              eq(clusterRollouts.clusterId, cluster.id),
              eq(clusterRollouts.namespace, b.namespace),
              eq(clusterRollouts.name, b.rollout),
            ),
          );
        // The Rollout may not have reported yet; its app then defaults as design §5 says.
        const appName = known?.app ?? `${b.namespace}/${b.rollout}`;
        const [created] = await tx
          .insert(commands)
          .values({
            clusterId: cluster.id,
            namespace: b.namespace,
            rollout: b.rollout,
            app: appName,
            action: b.action,
            args,
            actor: who.actor,
            reason,
            ttlSeconds,
            expiresAt: new Date(Date.now() + ttlSeconds * 1000),
          })
          .returning();
        if (!created) throw new Error("insert returned nothing");
        await record({
          chain: appChain(appName),
          kind: "command.created",
          subject: `${b.cluster}/${b.namespace}/${b.rollout}`,
          data: { cluster: b.cluster, app: appName, commandId: created.id, action: b.action, args, ttlSeconds, reason },
        });
        return created;
      });
      return reply.code(201).send(commandView(row, b.cluster));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/v1/commands/:id",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["commands"],
        summary: "A command and its state",
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
      },
    },
    async (req) => {
      const [row] = await ctx.db
        .select({ c: commands, cluster: clusters.name })
        .from(commands)
        .innerJoin(clusters, eq(clusters.id, commands.clusterId))
        .where(eq(commands.id, req.params.id));
      if (!row) throw notFound(`command ${req.params.id}`);
      return commandView(row.c, row.cluster);
    },
  );

  app.get<{ Querystring: { cluster?: string; state?: string; limit: number } }>(
    "/api/v1/commands",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["commands"],
        summary: "Recent commands, newest first",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            cluster: { type: "string" },
            state: { type: "string", enum: ["pending", "sent", "applied", "rejected", "expired"] },
            limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => {
      const conds: SQL[] = [];
      if (req.query.cluster) conds.push(eq(clusters.name, req.query.cluster));
      if (req.query.state) conds.push(eq(commands.state, req.query.state));
      const rows = await ctx.db
        .select({ c: commands, cluster: clusters.name })
        .from(commands)
        .innerJoin(clusters, eq(clusters.id, commands.clusterId))
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(commands.createdAt))
        .limit(req.query.limit);
      return { items: rows.map((r) => commandView(r.c, r.cluster)) };
    },
  );
}
