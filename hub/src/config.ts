import { parseArgs } from "node:util";

export class ConfigError extends Error {
  readonly code = "INVALID_CONFIG";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "ConfigError";
  }
}

export interface HubConfig {
  databaseUrl: string;
  /** Kept for the agent gateway and bus (a later part); the HTTP API does not need NATS. */
  natsUrl?: string;
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  /** BELLWETHER_ADMIN_TOKEN: the first admin token, when the operator wants to choose it. */
  adminToken?: string;
  logLevel: string;
  /** How often the ledger sweep appends events whose immediate append did not happen. */
  sweepIntervalMs: number;
  disconnectAfterSeconds: number;
  migrationsFolder?: string;
  /** LISTEN/NOTIFY channel of the change feed. */
  changeChannel: string;
}

const USAGE = `bellwether-hub [--database-url URL] [--nats-url HOST:PORT] [--listen HOST:PORT]
               [--tls-cert FILE --tls-key FILE] [--log-level LEVEL]
Environment: DATABASE_URL, NATS_URL, BELLWETHER_LISTEN, BELLWETHER_TLS_CERT, BELLWETHER_TLS_KEY,
             BELLWETHER_ADMIN_TOKEN, BELLWETHER_LOG_LEVEL. Flags win over the environment.`;

export function usage(): string {
  return USAGE;
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m?.[2]) throw new ConfigError("listen", `"${value}" is not HOST:PORT`);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError("listen", `port ${port} is above 65535`);
  return { host: m[1]?.replace(/^\[(.*)\]$/, "$1") || "0.0.0.0", port };
}

/** Flags and environment → config. Throws {@link ConfigError} naming the setting. */
export function parseHubConfig(argv: string[], env: NodeJS.ProcessEnv): HubConfig | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      "database-url": { type: "string" },
      "nats-url": { type: "string" },
      listen: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const databaseUrl = values["database-url"] ?? env.DATABASE_URL;
  if (!databaseUrl) throw new ConfigError("DATABASE_URL", "is required (or --database-url)");
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError("DATABASE_URL", "must be a postgres:// URL");
  const { host, port } = parseListen(values.listen ?? env.BELLWETHER_LISTEN ?? "0.0.0.0:8080");
  const certFile = values["tls-cert"] ?? env.BELLWETHER_TLS_CERT;
  const keyFile = values["tls-key"] ?? env.BELLWETHER_TLS_KEY;
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(
      certFile ? "BELLWETHER_TLS_KEY" : "BELLWETHER_TLS_CERT",
      "TLS needs both a certificate and a key",
    );
  }
  const logLevel = values["log-level"] ?? env.BELLWETHER_LOG_LEVEL ?? "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    throw new ConfigError("log-level", `unknown level ${logLevel}`);
  }
  // An empty variable counts as unset, as shells and manifests often produce one.
  const adminToken = env.BELLWETHER_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 20) {
    throw new ConfigError("BELLWETHER_ADMIN_TOKEN", "must be at least 20 characters");
  }
  const natsUrl = values["nats-url"] ?? env.NATS_URL;
  return {
    databaseUrl,
    host,
    port,
    logLevel,
    sweepIntervalMs: 2000,
    disconnectAfterSeconds: 30,
    changeChannel: "bw_changes",
    ...(natsUrl ? { natsUrl } : {}),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    ...(adminToken ? { adminToken } : {}),
  };
}
