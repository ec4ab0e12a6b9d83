/**
 * @bellwether/agent's library surface: the engine API of @bellwether/core, re-exported so the reconciler, the CLI
 * and tests share one implementation. This module must stay free of I/O imports (no Kubernetes client, no
 * sockets): anything agent-only that does I/O is exported from its own entry, not from here.
 */
export * from "@bellwether/core";
