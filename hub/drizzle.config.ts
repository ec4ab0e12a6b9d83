import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "drizzle-kit";

// Paths relative to this file, so `drizzle-kit generate --config hub/drizzle.config.ts` works from anywhere.
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  dialect: "postgresql",
  schema: path.join(here, "src/store/schema.ts"),
  out: path.join(here, "../migrations"),
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/bellwether" },
});
