import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { queryLedger } from "../../ledger/ledger-query.ts";
import { appChain } from "../../ledger/ledger-row.ts";
import { verifyLedger } from "../../ledger/ledger-verifier.ts";
import { ledgerChains } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { invalid, notFound } from "../api-error.ts";

interface LedgerQuery {
  chain?: string;
  app?: string;
  cluster?: string;
  actor?: string;
  kind?: string;
  since?: string;
  until?: string;
  before?: number;
  limit: number;
}

function parseTime(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalid(field, "must be an RFC 3339 time");
  return new Date(t);
}

export function registerLedgerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: LedgerQuery }>(
    "/api/v1/ledger",
    {
      config: { role: "viewer" },
      schema: {
        tags: ["ledger"],
        summary: "Ledger events, newest first, paged by `nextCursor`",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            chain: { type: "string", description: "`admin` or `app:<app>`" },
            app: { type: "string", description: "shorthand for chain=app:<app>" },
            cluster: { type: "string" },
            actor: { type: "string" },
            kind: { type: "string" },
            since: { type: "string", description: "RFC 3339, inclusive" },
            until: { type: "string", description: "RFC 3339, exclusive" },
            before: { type: "integer", minimum: 1, description: "cursor from a previous page" },
            limit: { type: "integer", minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.chain !== undefined && q.app !== undefined && q.chain !== appChain(q.app)) {
        throw invalid("app", "names a different chain than `chain`");
      }
      const chain = q.chain ?? (q.app !== undefined ? appChain(q.app) : undefined);
      const since = parseTime(q.since, "since");
      const until = parseTime(q.until, "until");
      return queryLedger(ctx.db, {
        limit: q.limit,
        ...(chain !== undefined ? { chain } : {}),
        ...(q.cluster !== undefined ? { cluster: q.cluster } : {}),
        ...(q.actor !== undefined ? { actor: q.actor } : {}),
        ...(q.kind !== undefined ? { kind: q.kind } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
    },
  );

  app.post<{ Body: { chain?: string } | undefined }>(
    "/api/v1/ledger/verify",
    {
      config: { role: "operator" },
      schema: {
        tags: ["ledger"],
        summary: "Recompute chains from genesis; names the first bad row of each",
        body: { type: "object", additionalProperties: false, properties: { chain: { type: "string" } } },
      },
    },
    async (req) => {
      const chain = req.body?.chain;
      if (chain !== undefined) {
        const [known] = await ctx.db
          .select({ chain: ledgerChains.chain })
          .from(ledgerChains)
          .where(eq(ledgerChains.chain, chain));
        if (!known) throw notFound(`ledger chain ${chain}`);
      }
      return verifyLedger(ctx.db, chain !== undefined ? { chain } : {});
    },
  );
}
