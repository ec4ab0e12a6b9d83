/** One change worth telling watchers about; small on purpose (Postgres NOTIFY payloads stop at 8000 bytes). */
export interface Change {
  /** What changed: `ledger` (an event was appended) or `rollout` (a summary was stored). */
  type: "ledger" | "rollout";
  /** Event kind, e.g. `cluster.registered`, or `rollout.updated`. */
  kind: string;
  subject: string;
  at: string;
  chain?: string;
  seq?: number;
  actor?: string;
  cluster?: string;
  data?: Record<string, unknown>;
}

export type ChangeListener = (change: Change) => void;

/**
 * Fan-out of changes across hub replicas: a change published by one replica reaches the listeners of every
 * replica, including its own. Delivery is at most once; watchers that need completeness re-read the ledger.
 */
export interface ChangeFeed {
  publish(changes: Change[]): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}
