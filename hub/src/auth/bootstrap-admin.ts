import { and, eq, isNull, sql } from "drizzle-orm";
import { ADMIN_CHAIN } from "../ledger/ledger-row.ts";
import type { PostgresLedger } from "../ledger/postgres-ledger.ts";
import { ADVISORY_CLASS } from "../store/advisory-locks.ts";
import type { Db } from "../store/database.ts";
import { apiTokens } from "../store/schema.ts";
import { apiTokenPrefix, hashApiToken, newApiToken } from "./api-token.ts";

export interface BootstrapResult {
  /** Set only when this call generated the first admin token: the caller shows it once, then forgets it. */
  generatedToken?: string;
  /** True when the token given in the environment was added now. */
  addedFromEnvironment: boolean;
}

/**
 * Makes sure an admin can get in: adds `envToken` (BELLWETHER_ADMIN_TOKEN) when given, otherwise generates an
 * admin token when no live admin token exists. Serialised by an advisory lock, so replicas starting together
 * create one token, not one each.
 */
export async function bootstrapAdminToken(db: Db, ledger: PostgresLedger, envToken?: string): Promise<BootstrapResult> {
  const result = await db.transaction(async (tx): Promise<BootstrapResult> => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS.bootstrap}, 0)`);
    if (envToken) {
      const hash = hashApiToken(envToken);
      const [existing] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hash));
      if (existing) return { addedFromEnvironment: false };
      await tx.insert(apiTokens).values({
        name: "bootstrap-admin",
        role: "admin",
        tokenHash: hash,
        prefix: apiTokenPrefix(envToken),
        createdBy: "system:bootstrap",
      });
      await ledger.record(tx, {
        chain: ADMIN_CHAIN,
        actor: "system:bootstrap",
        kind: "token.created",
        subject: "token/bootstrap-admin",
        data: { name: "bootstrap-admin", role: "admin", from: "BELLWETHER_ADMIN_TOKEN", reason: "first start" },
      });
      return { addedFromEnvironment: true };
    }
    const [admin] = await tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.role, "admin"), isNull(apiTokens.revokedAt)))
      .limit(1);
    if (admin) return { addedFromEnvironment: false };
    const token = newApiToken();
    await tx.insert(apiTokens).values({
      name: "bootstrap-admin",
      role: "admin",
      tokenHash: hashApiToken(token),
      prefix: apiTokenPrefix(token),
      createdBy: "system:bootstrap",
    });
    await ledger.record(tx, {
      chain: ADMIN_CHAIN,
      actor: "system:bootstrap",
      kind: "token.created",
      subject: "token/bootstrap-admin",
      data: { name: "bootstrap-admin", role: "admin", from: "generated", reason: "first start" },
    });
    return { generatedToken: token, addedFromEnvironment: false };
  });
  await ledger.appendPending(ADMIN_CHAIN);
  return result;
}
