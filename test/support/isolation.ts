import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { afterAll, inject } from "vitest";

/** A unique, lowercase identifier for one test file's resources. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export interface TestDatabase {
  /** Connection URL of a database that only this test file uses. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates a fresh database for the calling test file and drops it after the file's tests.
 * Every file gets its own, so files that use the same table names run in parallel safely.
 */
export async function useTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("databaseUrl");
  const name = uniqueName("bwt");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const db: TestDatabase = {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
  afterAll(() => db.drop());
  return db;
}

export interface TestNats {
  /** host:port of the server. */
  url: string;
  /** Subject root and stream-name prefix reserved for this test file (e.g. "t3f9a1c02d4"). */
  prefix: string;
  connection: NatsConnection;
}

/** Connects to NATS with a prefix unique to this file; streams under that prefix are deleted afterwards. */
export async function useTestNats(): Promise<TestNats> {
  const url = inject("natsUrl");
  const prefix = `t${randomBytes(5).toString("hex")}`;
  const connection = await connect({ servers: url, name: prefix });
  afterAll(async () => {
    try {
      const jsm = await jetstreamManager(connection);
      for await (const s of jsm.streams.list()) {
        if (s.config.name.toLowerCase().startsWith(prefix)) await jsm.streams.delete(s.config.name);
      }
    } catch {
      // JetStream may not be enabled on a developer's server; nothing was created then.
    }
    await connection.drain();
  });
  return { url, prefix, connection };
}
