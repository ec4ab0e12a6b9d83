#!/usr/bin/env node
import pino from "pino";
import { ConfigError, parseHubConfig, usage } from "./config.ts";
import { startHub } from "./hub.ts";

/** `bellwether-hub`: the composition root; the only place that reads the environment and exits. */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseHubConfig>;
  try {
    config = parseHubConfig(process.argv.slice(2), process.env);
  } catch (e) {
    const message =
      e instanceof ConfigError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
        ? (e as Error).message
        : String(e);
    process.stderr.write(`bellwether-hub: ${message}\n${usage()}\n`);
    process.exit(2);
  }
  if (config === "help") {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ["token", "*.token", "req.headers.authorization"], censor: "[secret]" },
  });
  const hub = await startHub(config, {
    logger,
    onGeneratedAdminToken: (token) => {
      // Deliberately not a log line: log pipelines keep logs; this must be seen once and then only exist hashed.
      process.stdout.write(`\nBELLWETHER FIRST ADMIN TOKEN (shown once, store it now):\n${token}\n\n`);
    },
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    hub.stop().then(
      () => process.exit(0),
      (e: Error) => {
        logger.error({ err: e.message }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e: Error) => {
  process.stderr.write(`bellwether-hub: ${e.message}\n`);
  process.exit(1);
});
