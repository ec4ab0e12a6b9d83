import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Change } from "../../change-feed/change-feed.ts";
import type { ApiContext } from "../api-context.ts";

const HEARTBEAT_MS = 15_000;

/** Open SSE responses, so shutdown can end them (fastify does not wait for hijacked replies). */
export type OpenStreams = Set<ServerResponse>;

export function registerEventStreamRoutes(app: FastifyInstance, ctx: ApiContext, open: OpenStreams): void {
  app.get<{ Querystring: { chain?: string; type?: "ledger" | "rollout"; cluster?: string } }>(
    "/api/v1/events",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["events"],
        summary: "Server-sent events: every change made through any hub replica",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            chain: { type: "string" },
            type: { type: "string", enum: ["ledger", "rollout"] },
            cluster: { type: "string" },
          },
        },
      },
    },
    (req, reply) => {
      const { chain, type, cluster } = req.query;
      const wanted = (c: Change) =>
        (chain === undefined || c.chain === chain) &&
        (type === undefined || c.type === type) &&
        (cluster === undefined || c.cluster === cluster);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write("retry: 2000\n: connected\n\n");
      const unsubscribe = ctx.feed.subscribe((c) => {
        if (!wanted(c)) return;
        const id = c.chain !== undefined && c.seq !== undefined ? `id: ${c.chain}:${c.seq}\n` : "";
        res.write(`${id}event: ${c.type}\ndata: ${JSON.stringify(c)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
      open.add(res);
      ctx.metrics.sseClients.inc();
      const done = () => {
        if (!open.delete(res)) return;
        clearInterval(heartbeat);
        unsubscribe();
        ctx.metrics.sseClients.dec();
      };
      res.on("close", done);
      req.raw.on("close", done);
    },
  );
}
