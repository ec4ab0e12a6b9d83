import { type Logger, pino } from "pino";

/** Structured JSON logs; tokens and secrets are redacted wherever they appear in a logged object. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        "token",
        "*.token",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "password",
        "*.password",
      ],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
