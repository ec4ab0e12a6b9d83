import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../store/database.ts";
import { ledgerChains, ledgerEvents } from "../store/schema.ts";
import { CanonicalJsonError } from "./jcs.ts";
import { GENESIS_HASH, ledgerRowHash } from "./ledger-hash.ts";

export interface LedgerProblem {
  chain: string;
  /** The first row of the chain that does not check out. */
  seq: number;
  reason: string;
}

export interface LedgerVerification {
  ok: boolean;
  chains: number;
  rows: number;
  /** The first bad row of each chain that has one. */
  problems: LedgerProblem[];
}

const PAGE = 5000;

async function verifyChain(db: Db, chain: string): Promise<{ rows: number; problem?: LedgerProblem }> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await db
      .select()
      .from(ledgerEvents)
      .where(and(eq(ledgerEvents.chain, chain), gt(ledgerEvents.seq, expectedSeq - 1)))
      .orderBy(asc(ledgerEvents.seq))
      .limit(PAGE);
    for (const r of page) {
      rows += 1;
      if (r.seq !== expectedSeq) {
        return { rows, problem: { chain, seq: expectedSeq, reason: `row missing: next stored row is seq ${r.seq}` } };
      }
      let hash: string;
      try {
        hash = ledgerRowHash(prev, {
          chain,
          seq: r.seq,
          at: r.at.toISOString(),
          actor: r.actor,
          kind: r.kind,
          subject: r.subject,
          data: r.data,
        });
      } catch (e) {
        if (!(e instanceof CanonicalJsonError)) throw e;
        return { rows, problem: { chain, seq: r.seq, reason: `data is not canonical JSON: ${e.message}` } };
      }
      if (hash !== r.hash) {
        return {
          rows,
          problem: { chain, seq: r.seq, reason: `hash mismatch: stored ${r.hash}, recomputed ${hash}` },
        };
      }
      prev = hash;
      expectedSeq += 1;
    }
    if (page.length < PAGE) break;
  }
  const [head] = await db.select().from(ledgerChains).where(eq(ledgerChains.chain, chain));
  const lastSeq = expectedSeq - 1;
  if (head && head.headSeq > lastSeq) {
    return { rows, problem: { chain, seq: lastSeq + 1, reason: `row missing: chain head is seq ${head.headSeq}` } };
  }
  if (head && head.headHash !== prev) {
    return { rows, problem: { chain, seq: lastSeq, reason: "last row differs from the recorded chain head" } };
  }
  return { rows };
}

/** Recomputes every chain (or the given one) from genesis and names the first bad row of each. */
export async function verifyLedger(db: Db, options: { chain?: string } = {}): Promise<LedgerVerification> {
  let chains: string[];
  if (options.chain) chains = [options.chain];
  else {
    const r = await db.execute<{ chain: string }>(
      sql`SELECT chain FROM ${ledgerChains} UNION SELECT DISTINCT chain FROM ${ledgerEvents} ORDER BY 1`,
    );
    chains = r.rows.map((x) => x.chain);
  }
  const result: LedgerVerification = { ok: true, chains: chains.length, rows: 0, problems: [] };
  for (const chain of chains) {
    const { rows, problem } = await verifyChain(db, chain);
    result.rows += rows;
    if (problem) {
      result.ok = false;
      result.problems.push(problem);
    }
  }
  return result;
}
