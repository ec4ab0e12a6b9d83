import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import type { ApiContext } from "./api/api-context.ts";
import { createMutator, ledgerRowToChange } from "./api/mutation.ts";
import { buildServer } from "./api/server.ts";
import { bootstrapAdminToken } from "./auth/bootstrap-admin.ts";
import type { ChangeFeed } from "./change-feed/change-feed.ts";
import { PostgresChangeFeed } from "./change-feed/postgres-change-feed.ts";
import type { HubConfig } from "./config.ts";
import { PostgresLedger } from "./ledger/postgres-ledger.ts";
import { createHubMetrics } from "./metrics/hub-metrics.ts";
import { type Database, openDatabase } from "./store/database.ts";
import { migrateDatabase } from "./store/migrate.ts";

export interface RunningHub {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  database: Database;
  ledger: PostgresLedger;
  feed: ChangeFeed;
  app: FastifyInstance;
  stop(): Promise<void>;
}

export interface StartHubOptions {
  logger?: Logger;
  /** Receives the first admin token when the hub generated it; shown once, never logged. */
  onGeneratedAdminToken?: (token: string) => void;
}

/** Migrates, bootstraps the admin token, starts the change feed, the ledger sweep and the HTTP API. */
export async function startHub(config: HubConfig, options: StartHubOptions = {}): Promise<RunningHub> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      redact: {
        paths: ["token", "*.token", "req.headers.authorization", "adminToken", "databaseUrl"],
        censor: "[secret]",
      },
    });
  const migrated = await migrateDatabase(config.databaseUrl, config.migrationsFolder);
  logger.info({ applied: migrated.applied, total: migrated.total }, "migrations checked");

  const database = openDatabase(config.databaseUrl, {
    onError: (e) => logger.warn({ err: e.message }, "idle database client failed"),
  });
  const ledger = new PostgresLedger(database.db);
  const metrics = createHubMetrics();
  let feed: ChangeFeed | undefined;
  let app: FastifyInstance | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let ready = false;
  const streams = new Set<ServerResponse>();

  const stop = async () => {
    ready = false;
    if (sweep) clearInterval(sweep);
    for (const res of streams) res.end();
    streams.clear();
    await app?.close();
    await feed?.close();
    // Whatever is still in the inbox now waits for the next replica's sweep; nothing is lost.
    await database.close();
    logger.info("hub stopped");
  };

  try {
    const boot = await bootstrapAdminToken(database.db, ledger, config.adminToken);
    if (boot.generatedToken) options.onGeneratedAdminToken?.(boot.generatedToken);
    if (boot.addedFromEnvironment) logger.info("admin token from BELLWETHER_ADMIN_TOKEN registered");

    feed = await PostgresChangeFeed.start({
      url: config.databaseUrl,
      pool: database.pool,
      channel: config.changeChannel,
      logger,
    });
    const liveFeed = feed;
    const ctx: ApiContext = {
      db: database.db,
      ledger,
      feed: liveFeed,
      logger,
      metrics,
      mutate: createMutator({ db: database.db, ledger, feed: liveFeed, logger, metrics }),
      disconnectAfterSeconds: config.disconnectAfterSeconds,
      async isReady() {
        if (!ready) return false;
        await database.pool.query("SELECT 1");
        return true;
      },
    };
    const https = config.tls
      ? { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) }
      : undefined;
    app = await buildServer(ctx, { logger, ...(https ? { https } : {}) }, streams);
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : config.port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    const url = `${https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;

    sweep = setInterval(() => {
      ledger
        .appendAllPending()
        .then(async (rows) => {
          metrics.ledgerAppended.inc(rows.length);
          await liveFeed.publish(rows.map(ledgerRowToChange));
        })
        .catch((e: Error) => logger.warn({ err: e.message }, "ledger sweep failed"));
    }, config.sweepIntervalMs);
    sweep.unref();
    ready = true;
    logger.info({ url, tls: Boolean(https) }, "hub listening");
    return { url, database, ledger, feed: liveFeed, app, stop };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
