import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../store/database.ts";
import { ledgerEvents } from "../store/schema.ts";
import type { StoredLedgerRow } from "./ledger-row.ts";

export interface LedgerFilter {
  chain?: string;
  cluster?: string;
  actor?: string;
  kind?: string;
  /** Inclusive lower bound on `at`. */
  since?: Date;
  /** Exclusive upper bound on `at`. */
  until?: Date;
  /** Paging cursor: only rows appended before this position. */
  before?: number;
  limit: number;
}

export interface LedgerPage {
  events: StoredLedgerRow[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: number;
}

/** Newest first. Every filter has an index that leads with it and ends with `pos` (see schema). */
export async function queryLedger(db: Db, f: LedgerFilter): Promise<LedgerPage> {
  const conds: SQL[] = [];
  if (f.chain !== undefined) conds.push(eq(ledgerEvents.chain, f.chain));
  if (f.cluster !== undefined) conds.push(sql`(${ledgerEvents.data}->>'cluster') = ${f.cluster}`);
  if (f.actor !== undefined) conds.push(eq(ledgerEvents.actor, f.actor));
  if (f.kind !== undefined) conds.push(eq(ledgerEvents.kind, f.kind));
  if (f.since !== undefined) conds.push(gte(ledgerEvents.at, f.since));
  if (f.until !== undefined) conds.push(lt(ledgerEvents.at, f.until));
  if (f.before !== undefined) conds.push(lt(ledgerEvents.pos, f.before));
  const rows = await db
    .select()
    .from(ledgerEvents)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(ledgerEvents.pos))
    .limit(f.limit + 1);
  const more = rows.length > f.limit;
  const events = rows.slice(0, f.limit).map((r) => ({ ...r, at: r.at.toISOString() }));
  const last = events.at(-1);
  return more && last ? { events, nextCursor: last.pos } : { events };
}
