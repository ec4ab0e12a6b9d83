import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../store/database.ts";
import { apiTokens } from "../store/schema.ts";
import { hashApiToken } from "./api-token.ts";
import type { Principal } from "./principal.ts";

const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves `Authorization: Bearer <token>` to a principal; null for a missing, unknown, revoked or expired one. */
export async function authenticateBearer(db: Db, authorization: string | undefined): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m?.[1]) return null;
  const now = new Date();
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, hashApiToken(m[1])),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort and coarse, so a busy token does not write on every request.
    db.update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.id, row.id))
      .catch(() => {});
  }
  return {
    tokenId: row.id,
    tokenName: row.name,
    role: row.role,
    actor: row.role === "agent" ? `cluster-token:${row.name}` : `token:${row.name}`,
    clusterId: row.clusterId,
  };
}
