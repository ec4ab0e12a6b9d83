import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../api-context.ts";

export function registerHealthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/healthz", { schema: { tags: ["health"], summary: "The process is alive" } }, async () => ({
    status: "ok",
  }));

  app.get(
    "/readyz",
    { schema: { tags: ["health"], summary: "Migrated, listening and the database answers" } },
    async (_req, reply) => {
      const ready = await ctx.isReady().catch(() => false);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not-ready" });
    },
  );

  app.get("/metrics", { schema: { tags: ["health"], summary: "Prometheus metrics" } }, async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.header("content-type", ctx.metrics.registry.contentType).send(text);
  });
}
