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
  /** HTTP status of the response (200 for a watch that was accepted). */
  code: number;
  path: string;
  atMs: number;
}

export interface RequestLogFilter {
  verb?: string;
  resource?: string;
  namespace?: string;
  user?: string;
}

/** A bounded per-cluster log of API requests, oldest dropped first. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.#entries.filter(
      (e) =>
        (filter.verb === undefined || e.verb === filter.verb) &&
        (filter.resource === undefined || e.resource === filter.resource) &&
        (filter.namespace === undefined || e.namespace === filter.namespace) &&
        (filter.user === undefined || e.user === filter.user),
    );
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
