import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { clusterRollouts, clusters } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { notFound } from "../api-error.ts";
import { parseLabelSelector } from "../labels.ts";

interface RolloutQuery {
  app?: string;
  cluster?: string;
  label?: string;
  phase?: string;
  limit: number;
  offset: number;
}

export function registerRolloutRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: RolloutQuery }>(
    "/api/v1/rollouts",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["rollouts"],
        summary: "Rollouts across the fleet, newest summary of each",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            app: { type: "string" },
            cluster: { type: "string" },
            label: { type: "string", description: "cluster label selector k=v[,k=v]" },
            phase: { type: "string" },
            limit: { type: "integer", minimum: 1, maximum: 1000, default: 200 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const conds: SQL[] = [];
      if (q.app) conds.push(eq(clusterRollouts.app, q.app));
      if (q.cluster) conds.push(eq(clusters.name, q.cluster));
      if (q.phase) conds.push(eq(clusterRollouts.phase, q.phase));
      if (q.label)
        conds.push(sql`${clusters.labels} @> ${JSON.stringify(parseLabelSelector(q.label, "label"))}::jsonb`);
      const rows = await ctx.db
        .select({
          cluster: clusters.name,
          namespace: clusterRollouts.namespace,
          name: clusterRollouts.name,
          app: clusterRollouts.app,
          phase: clusterRollouts.phase,
          policy: clusterRollouts.policyName,
          epoch: clusterRollouts.epoch,
          seq: clusterRollouts.seq,
          updatedAt: clusterRollouts.updatedAt,
          summary: clusterRollouts.summary,
        })
        .from(clusterRollouts)
        .innerJoin(clusters, eq(clusters.id, clusterRollouts.clusterId))
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(
          asc(clusterRollouts.app),
          asc(clusters.name),
          asc(clusterRollouts.namespace),
          asc(clusterRollouts.name),
        )
        .limit(q.limit)
        .offset(q.offset);
      return {
        items: rows.map(({ summary, updatedAt, ...r }) => ({
          ...r,
          updatedAt: updatedAt.toISOString(),
          stepIndex: summary.stepIndex ?? null,
          stepCount: summary.stepCount ?? null,
          canaryWeight: summary.canaryWeight ?? null,
          message: summary.message ?? null,
        })),
      };
    },
  );

  app.get<{ Params: { cluster: string; namespace: string; name: string } }>(
    "/api/v1/rollouts/:cluster/:namespace/:name",
    { config: { role: "viewer" }, schema: { tags: ["rollouts"], summary: "One Rollout's full summary" } },
    async (req) => {
      const { cluster, namespace, name } = req.params;
      const [row] = await ctx.db
        .select({ r: clusterRollouts, cluster: clusters.name })
        .from(clusterRollouts)
        .innerJoin(clusters, eq(clusters.id, clusterRollouts.clusterId))
        .where(
          and(eq(clusters.name, cluster), eq(clusterRollouts.namespace, namespace), eq(clusterRollouts.name, name)),
        );
      if (!row) throw notFound(`rollout ${cluster}/${namespace}/${name}`);
      const r = row.r;
      return {
        cluster: row.cluster,
        namespace: r.namespace,
        name: r.name,
        app: r.app,
        phase: r.phase,
        policy: r.policyName,
        epoch: r.epoch,
        seq: r.seq,
        updatedAt: r.updatedAt.toISOString(),
        summary: r.summary,
      };
    },
  );
}
