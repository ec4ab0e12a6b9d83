import pg from "pg";
import type { Logger } from "pino";
import type { Change, ChangeFeed, ChangeListener } from "./change-feed.ts";

const MAX_PAYLOAD_BYTES = 7900;

export interface PostgresChangeFeedOptions {
  url: string;
  pool: pg.Pool;
  /** Channel name; tests may isolate themselves with their own. */
  channel?: string;
  logger?: Logger;
  /** Delay before re-listening after the listening connection broke. */
  reconnectDelayMs?: number;
}

/** A {@link ChangeFeed} over Postgres LISTEN/NOTIFY: one dedicated listening connection per replica. */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #opts: Required<Omit<PostgresChangeFeedOptions, "logger">> & { logger?: Logger };
  readonly #listeners = new Set<ChangeListener>();
  #client: pg.Client | undefined;
  #closed = false;
  #reconnect: NodeJS.Timeout | undefined;

  private constructor(options: PostgresChangeFeedOptions) {
    this.#opts = { channel: "bw_changes", reconnectDelayMs: 1000, ...options };
  }

  /** Starts listening before returning, so no change published after this resolves is missed. */
  static async start(options: PostgresChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    await feed.#listen();
    return feed;
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#opts.url, application_name: "bellwether-change-feed" });
    client.on("notification", (n) => {
      if (n.channel !== this.#opts.channel || !n.payload) return;
      let change: Change;
      try {
        change = JSON.parse(n.payload) as Change;
      } catch {
        this.#opts.logger?.warn({ channel: n.channel }, "ignoring a change that is not JSON");
        return;
      }
      for (const l of this.#listeners) l(change);
    });
    client.on("error", (e) => {
      this.#opts.logger?.warn({ err: e.message }, "change feed connection lost; re-listening");
      this.#scheduleReconnect(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.#opts.channel)}`);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    this.#client = client;
  }

  #scheduleReconnect(broken: pg.Client): void {
    if (this.#closed || this.#client !== broken) return;
    this.#client = undefined;
    broken.end().catch(() => {});
    this.#retry();
  }

  #retry(): void {
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      if (this.#closed) return;
      this.#listen().catch((e: Error) => {
        this.#opts.logger?.warn({ err: e.message }, "re-listening failed; retrying");
        this.#retry();
      });
    }, this.#opts.reconnectDelayMs);
  }

  async publish(changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const payloads = changes.map((c) => {
      const text = JSON.stringify(c);
      // Too big for NOTIFY: drop the data; watchers can fetch the ledger row by chain and seq.
      return Buffer.byteLength(text) > MAX_PAYLOAD_BYTES ? JSON.stringify({ ...c, data: undefined }) : text;
    });
    await this.#opts.pool.query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", [this.#opts.channel, payloads]);
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#listeners.clear();
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => {});
  }
}
