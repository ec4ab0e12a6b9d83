/** One API request as a client made it, for tests that check what a client did. */
export interface RequestLogEntry {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection (or the HTTP method). */
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The authenticated user name, e.g. `system:serviceaccount:argo-rollouts:agent`. */
  user: string;
  /** The client's User-Agent header, e.g. `kubectl/v1.35.2 ...`, when it sent one. */
  userAgent?: string;
  /** HTTP status of the response (200 for a watch that was accepted). */
  code: number;
  path: string;
  atMs: number;
}

export interface RequestLogFilter {
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  user?: string;
}

/** A bounded per-cluster log of API requests, oldest dropped first. */
export class RequestLog {
  readonly #ring: (RequestLogEntry | undefined)[];
  readonly #capacity: number;
  #next = 0;
  #size = 0;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
    this.#ring = new Array(capacity);
  }

  record(entry: RequestLogEntry): void {
    this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** Entries oldest first, optionally filtered. */
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const ordered: RequestLogEntry[] = [];
    const start = (this.#next - this.#size + this.#capacity) % this.#capacity;
    for (let i = 0; i < this.#size; i++) {
      const e = this.#ring[(start + i) % this.#capacity];
      if (e) ordered.push(e);
    }
    const keys = Object.keys(filter) as (keyof RequestLogFilter)[];
    return ordered.filter((e) => keys.every((k) => filter[k] === undefined || e[k] === filter[k]));
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
