/** Raised when a name would not make a safe NATS subject token or stream name. */
export class NatsNameError extends Error {
  readonly code = "INVALID_NATS_NAME";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "NatsNameError";
    this.field = field;
  }
}

// A subject token may not contain separators, wildcards or whitespace; stream names also forbid these.
const TOKEN = /^[A-Za-z0-9_-]+$/;

function token(field: string, value: string): string {
  if (!TOKEN.test(value)) {
    throw new NatsNameError(field, `"${value}" must be non-empty and contain only letters, digits, "-" and "_"`);
  }
  return value;
}

/**
 * Builds the subjects, streams and consumer names the hub tier uses on NATS, all under one configurable prefix
 * (default "bw") so that several installations or test files can share a server without meeting.
 */
export class NatsNames {
  readonly prefix: string;

  constructor(prefix = "bw") {
    this.prefix = token("prefix", prefix);
  }

  /** Commands for one cluster: `<prefix>.cmd.<cluster>`. */
  commandSubject(cluster: string): string {
    return `${this.prefix}.cmd.${token("cluster", cluster)}`;
  }

  /** Every command subject, for the command stream. */
  commandSubjects(): string {
    return `${this.prefix}.cmd.>`;
  }

  /** Status and events of one kind from one cluster: `<prefix>.evt.<cluster>.<kind>`. */
  eventSubject(cluster: string, kind: string): string {
    return `${this.prefix}.evt.${token("cluster", cluster)}.${token("kind", kind)}`;
  }

  /** Events from every cluster, or from one cluster, of every kind. */
  eventSubjects(cluster?: string): string {
    return cluster === undefined ? `${this.prefix}.evt.>` : `${this.prefix}.evt.${token("cluster", cluster)}.>`;
  }

  /** Change notifications fanned out to every hub replica (SSE, caches): `<prefix>.chg.<topic>`. */
  changeSubject(topic: string): string {
    return `${this.prefix}.chg.${token("topic", topic)}`;
  }

  /** The JetStream stream that keeps commands while no replica holds the cluster's stream. */
  commandStream(): string {
    return `${this.prefix.toUpperCase()}_CMD`;
  }

  /** The JetStream stream of cluster events for the ledger writers. */
  eventStream(): string {
    return `${this.prefix.toUpperCase()}_EVT`;
  }

  /** The durable consumer that holds one cluster's commands: `cmd-<cluster>`. */
  commandConsumer(cluster: string): string {
    return `cmd-${token("cluster", cluster)}`;
  }

  /** The queue group of the ledger writers. */
  ledgerQueue(): string {
    return `${this.prefix}-ledger`;
  }
}
