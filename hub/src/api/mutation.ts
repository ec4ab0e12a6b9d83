import type { Logger } from "pino";
import type { Change, ChangeFeed } from "../change-feed/change-feed.ts";
import type { LedgerEventInput, StoredLedgerRow } from "../ledger/ledger-row.ts";
import type { PostgresLedger } from "../ledger/postgres-ledger.ts";
import type { HubMetrics } from "../metrics/hub-metrics.ts";
import type { Db, Tx } from "../store/database.ts";

export type RecordEvent = (event: Omit<LedgerEventInput, "actor">) => Promise<void>;
export type Mutate = <T>(actor: string, work: (tx: Tx, record: RecordEvent) => Promise<T>) => Promise<T>;

export function ledgerRowToChange(row: StoredLedgerRow): Change {
  const cluster = typeof row.data.cluster === "string" ? row.data.cluster : undefined;
  return {
    type: "ledger",
    kind: row.kind,
    subject: row.subject,
    at: row.at,
    chain: row.chain,
    seq: row.seq,
    actor: row.actor,
    ...(cluster ? { cluster } : {}),
    data: row.data,
  };
}

/**
 * Runs a mutation and its ledger events in one transaction, then appends the events to their chains and tells
 * the change feed. Should the append fail after the commit, the events wait in the inbox for the sweep.
 */
export function createMutator(deps: {
  db: Db;
  ledger: PostgresLedger;
  feed: ChangeFeed;
  logger: Logger;
  metrics: HubMetrics;
}): Mutate {
  return async (actor, work) => {
    const chains = new Set<string>();
    const result = await deps.db.transaction((tx) =>
      work(tx, async (event) => {
        chains.add(event.chain);
        await deps.ledger.record(tx, { ...event, actor });
      }),
    );
    for (const chain of chains) {
      try {
        const rows = await deps.ledger.appendPending(chain);
        deps.metrics.ledgerAppended.inc(rows.length);
        await deps.feed.publish(rows.map(ledgerRowToChange));
      } catch (e) {
        deps.logger.warn({ chain, err: (e as Error).message }, "ledger append deferred to the sweep");
      }
    }
    return result;
  };
}
