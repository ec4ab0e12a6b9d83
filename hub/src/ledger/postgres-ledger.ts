import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { ADVISORY_CLASS } from "../store/advisory-locks.ts";
import type { Db, Tx } from "../store/database.ts";
import { ledgerChains, ledgerEvents, ledgerInbox } from "../store/schema.ts";
import { canonicalJson } from "./jcs.ts";
import { GENESIS_HASH, ledgerRowHash } from "./ledger-hash.ts";
import type { LedgerEventInput, LedgerRow, StoredLedgerRow } from "./ledger-row.ts";

export interface LedgerOptions {
  /** Inbox rows taken per append transaction. */
  batchSize?: number;
  /** Source name for events made by this hub. */
  source?: string;
}

/**
 * The ledger over Postgres. Events enter an inbox (inside the caller's transaction, so an action and its
 * record commit together); each chain's single writer — whoever holds the chain's advisory lock — moves them
 * into the chain in batches, computing seq and hash. See ADR 0008.
 */
export class PostgresLedger {
  readonly #db: Db;
  readonly #batchSize: number;
  readonly #source: string;

  constructor(db: Db, options: LedgerOptions = {}) {
    this.#db = db;
    this.#batchSize = options.batchSize ?? 500;
    this.#source = options.source ?? "hub";
  }

  /**
   * Puts an event into the inbox. Returns false when `(source, eventId)` was seen before (a redelivery).
   * Refuses data that has no canonical JSON form now, rather than at append time.
   */
  async record(tx: Tx | Db, event: LedgerEventInput): Promise<boolean> {
    canonicalJson(event.data);
    const inserted = await tx
      .insert(ledgerInbox)
      .values({
        source: event.source ?? this.#source,
        eventId: event.eventId ?? randomUUID(),
        chain: event.chain,
        at: event.at ?? new Date(),
        actor: event.actor,
        kind: event.kind,
        subject: event.subject,
        data: event.data,
      })
      .onConflictDoNothing({ target: [ledgerInbox.source, ledgerInbox.eventId] })
      .returning({ id: ledgerInbox.id });
    return inserted.length > 0;
  }

  /** Appends everything pending for `chain`; returns the rows it appended, in order. */
  async appendPending(chain: string): Promise<StoredLedgerRow[]> {
    const all: StoredLedgerRow[] = [];
    for (;;) {
      const batch = await this.#appendBatch(chain);
      all.push(...batch);
      if (batch.length < this.#batchSize) return all;
    }
  }

  /** Appends pending events of every chain (the sweep that catches what an immediate append missed). */
  async appendAllPending(): Promise<StoredLedgerRow[]> {
    const chains = await this.#db
      .selectDistinct({ chain: ledgerInbox.chain })
      .from(ledgerInbox)
      .where(isNull(ledgerInbox.appendedSeq));
    const all: StoredLedgerRow[] = [];
    for (const { chain } of chains) all.push(...(await this.appendPending(chain)));
    return all;
  }

  async #appendBatch(chain: string): Promise<StoredLedgerRow[]> {
    return this.#db.transaction(async (tx) => {
      // One writer per chain: the lock is held until commit, so the head read below cannot go stale.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS.ledgerChain}, hashtext(${chain}))`);
      const pending = await tx
        .select()
        .from(ledgerInbox)
        .where(and(eq(ledgerInbox.chain, chain), isNull(ledgerInbox.appendedSeq)))
        .orderBy(asc(ledgerInbox.id))
        .limit(this.#batchSize);
      if (pending.length === 0) return [];
      const [head] = await tx.select().from(ledgerChains).where(eq(ledgerChains.chain, chain));
      let seq = head?.headSeq ?? 0;
      let prev = head?.headHash ?? GENESIS_HASH;
      const rows: Array<LedgerRow & { hash: string }> = [];
      for (const p of pending) {
        seq += 1;
        const row: LedgerRow = {
          chain,
          seq,
          at: p.at.toISOString(),
          actor: p.actor,
          kind: p.kind,
          subject: p.subject,
          data: p.data,
        };
        prev = ledgerRowHash(prev, row);
        rows.push({ ...row, hash: prev });
      }
      const inserted = await tx
        .insert(ledgerEvents)
        .values(rows.map((r) => ({ ...r, at: new Date(r.at) })))
        .returning({ seq: ledgerEvents.seq, pos: ledgerEvents.pos });
      const posBySeq = new Map(inserted.map((r) => [r.seq, r.pos]));
      await tx.execute(sql`
        UPDATE ledger_inbox SET appended_seq = v.seq
        FROM unnest(${`{${pending.map((p) => p.id).join(",")}}`}::bigint[],
                    ${`{${rows.map((r) => r.seq).join(",")}}`}::bigint[]) AS v(id, seq)
        WHERE ledger_inbox.id = v.id`);
      await tx
        .insert(ledgerChains)
        .values({ chain, headSeq: seq, headHash: prev })
        .onConflictDoUpdate({
          target: ledgerChains.chain,
          set: { headSeq: seq, headHash: prev, updatedAt: new Date() },
        });
      return rows.map((r) => ({ ...r, pos: posBySeq.get(r.seq) ?? 0 }));
    });
  }
}
