/** The chain for things that belong to no app: clusters, tokens, templates, policies. */
export const ADMIN_CHAIN = "admin";

/** The chain of one app (design §3: one per app). */
export function appChain(app: string): string {
  return `app:${app}`;
}

/** What a caller hands to the ledger; the writer gives it its place (`seq`) and hash. */
export interface LedgerEventInput {
  chain: string;
  actor: string;
  kind: string;
  subject: string;
  data: Record<string, unknown>;
  /** When it happened; defaults to now. */
  at?: Date;
  /** Who delivered it (e.g. `hub`, `cluster:eu-1`); with `eventId`, unique, so redelivery is a no-op. */
  source?: string;
  eventId?: string;
}

/** A ledger row as hashed: exactly the fields of design §3, `at` as an ISO-8601 string with milliseconds. */
export interface LedgerRow {
  chain: string;
  seq: number;
  at: string;
  actor: string;
  kind: string;
  subject: string;
  data: Record<string, unknown>;
}

export interface StoredLedgerRow extends LedgerRow {
  hash: string;
  /** Global append position, the paging cursor. */
  pos: number;
}
