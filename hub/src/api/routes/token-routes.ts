import { asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { apiTokenPrefix, hashApiToken, newApiToken } from "../../auth/api-token.ts";
import { USER_ROLES, type UserRole } from "../../auth/role.ts";
import { ADMIN_CHAIN } from "../../ledger/ledger-row.ts";
import { apiTokens, clusters } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { invalid, notFound } from "../api-error.ts";
import { principalOf, reasonOf } from "../request-context.ts";

const TOKEN_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

function tokenView(t: typeof apiTokens.$inferSelect, cluster: string | null) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    cluster,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

export function registerTokenRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: { name: string; role: UserRole; expiresInSeconds?: number } }>(
    "/api/v1/tokens",
    {
      config: { role: "admin" },
      schema: {
        tags: ["tokens"],
        summary: "Create an API token; the secret is returned once",
        body: {
          type: "object",
          required: ["name", "role"],
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            role: { type: "string", enum: [...USER_ROLES] },
            expiresInSeconds: { type: "integer", minimum: 60 },
          },
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const { name, role, expiresInSeconds } = req.body;
      if (name.length > 63 || !TOKEN_NAME.test(name)) {
        throw invalid("name", "must be at most 63 lowercase alphanumerics, '-', '_' or '.'");
      }
      const token = newApiToken();
      const row = await ctx.mutate(who.actor, async (tx, record) => {
        const [created] = await tx
          .insert(apiTokens)
          .values({
            name,
            role,
            tokenHash: hashApiToken(token),
            prefix: apiTokenPrefix(token),
            createdBy: who.actor,
            expiresAt: expiresInSeconds ? new Date(Date.now() + expiresInSeconds * 1000) : null,
          })
          .returning();
        if (!created) throw new Error("insert returned nothing");
        await record({
          chain: ADMIN_CHAIN,
          kind: "token.created",
          subject: `token/${name}`,
          data: { tokenId: created.id, name, role, expiresAt: created.expiresAt?.toISOString() ?? null, reason },
        });
        return created;
      });
      return reply.code(201).send({ ...tokenView(row, null), token });
    },
  );

  app.get(
    "/api/v1/tokens",
    { config: { role: "admin" }, schema: { tags: ["tokens"], summary: "All tokens, without secrets" } },
    async () => {
      const rows = await ctx.db
        .select({ t: apiTokens, cluster: clusters.name })
        .from(apiTokens)
        .leftJoin(clusters, eq(clusters.id, apiTokens.clusterId))
        .orderBy(asc(apiTokens.createdAt));
      return { items: rows.map((r) => tokenView(r.t, r.cluster)) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/api/v1/tokens/:id",
    {
      config: { role: "admin" },
      schema: {
        tags: ["tokens"],
        summary: "Revoke a token",
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      await ctx.mutate(who.actor, async (tx, record) => {
        const [row] = await tx
          .update(apiTokens)
          .set({ revokedAt: new Date() })
          .where(eq(apiTokens.id, req.params.id))
          .returning();
        if (!row) throw notFound(`token ${req.params.id}`);
        await record({
          chain: ADMIN_CHAIN,
          kind: "token.revoked",
          subject: `token/${row.name}`,
          data: { tokenId: row.id, name: row.name, reason },
        });
      });
      return reply.code(204).send();
    },
  );
}
