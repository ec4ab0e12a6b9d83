import type { Logger } from "pino";
import type { ChangeFeed } from "../change-feed/change-feed.ts";
import type { PostgresLedger } from "../ledger/postgres-ledger.ts";
import type { HubMetrics } from "../metrics/hub-metrics.ts";
import type { Db } from "../store/database.ts";
import type { Mutate } from "./mutation.ts";

/** What route handlers need from the hub. */
export interface ApiContext {
  db: Db;
  ledger: PostgresLedger;
  feed: ChangeFeed;
  logger: Logger;
  metrics: HubMetrics;
  mutate: Mutate;
  /** False while starting or shutting down. */
  isReady(): Promise<boolean>;
  /** Seconds without a heartbeat after which a cluster counts as disconnected (design §4: 30). */
  disconnectAfterSeconds: number;
}
