/** @bellwether/hub: the fleet's memory and control point. */
export type { Change, ChangeFeed, ChangeListener } from "./change-feed/change-feed.ts";
export { PostgresChangeFeed } from "./change-feed/postgres-change-feed.ts";
export { ConfigError, type HubConfig, parseHubConfig } from "./config.ts";
export { type RunningHub, type StartHubOptions, startHub } from "./hub.ts";
export { canonicalJson } from "./ledger/jcs.ts";
export { GENESIS_HASH, ledgerRowHash } from "./ledger/ledger-hash.ts";
export { ADMIN_CHAIN, appChain, type LedgerEventInput, type LedgerRow } from "./ledger/ledger-row.ts";
export { type LedgerVerification, verifyLedger } from "./ledger/ledger-verifier.ts";
export { PostgresLedger } from "./ledger/postgres-ledger.ts";
export { type RolloutSummaryInput, storeRolloutSummary } from "./rollouts/rollout-summary-store.ts";
export { type Database, openDatabase } from "./store/database.ts";
export { migrateDatabase } from "./store/migrate.ts";
