import { createHash } from "node:crypto";
import { canonicalJson } from "./jcs.ts";
import type { LedgerRow } from "./ledger-row.ts";

/** `prev_hash` of the first row of every chain. */
export const GENESIS_HASH = "0".repeat(64);

/** hex(sha256(prev_hash + "\n" + JCS(row without hash))), design §3. */
export function ledgerRowHash(prevHash: string, row: LedgerRow): string {
  const body: LedgerRow = {
    chain: row.chain,
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    subject: row.subject,
    data: row.data,
  };
  return createHash("sha256")
    .update(`${prevHash}\n${canonicalJson(body)}`, "utf8")
    .digest("hex");
}
