import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { ADVISORY_CLASS } from "./advisory-locks.ts";

/** The `migrations/` folder at the repository root (same depth from `src/store` and `dist/store`). */
export function defaultMigrationsFolder(): string {
  return fileURLToPath(new URL("../../../migrations", import.meta.url));
}

export class MigrationError extends Error {
  readonly code = "MIGRATION_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrationResult {
  /** Migrations this call applied (0 when another replica already had). */
  applied: number;
  /** Migrations recorded in the database afterwards. */
  total: number;
}

async function countApplied(client: pg.Client): Promise<number> {
  // Two statements: Postgres resolves table names at plan time, even in a CASE branch never taken.
  const exists = await client.query<{ t: string | null }>(
    "SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t",
  );
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
  return r.rows[0]?.n ?? 0;
}

/**
 * Applies the drizzle-kit migrations under a session advisory lock, so replicas that start together take turns
 * and the later ones find nothing to do.
 */
export async function migrateDatabase(
  url: string,
  migrationsFolder = defaultMigrationsFolder(),
): Promise<MigrationResult> {
  if (!existsSync(migrationsFolder)) throw new MigrationError(`migrations folder ${migrationsFolder} does not exist`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1, $2)", [ADVISORY_CLASS.migrations, 0]);
    try {
      const before = await countApplied(client);
      await migrate(drizzle({ client }), { migrationsFolder });
      const total = await countApplied(client);
      return { applied: total - before, total };
    } catch (e) {
      throw new MigrationError(`applying migrations failed: ${(e as Error).message}`, { cause: e });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [ADVISORY_CLASS.migrations, 0]);
    }
  } finally {
    await client.end();
  }
}
