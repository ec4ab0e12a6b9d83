import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../hub/src/index.ts";
import { useTestDatabase } from "../support/isolation.ts";
import { ADMIN_TOKEN, api, waitForSseEvent } from "./hub-support.ts";

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

interface HubProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `bellwether-hub` as its own process on a free port and waits for its "hub listening" log line. */
function spawnHub(databaseUrl: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(tsx, ["--conditions=source", "hub/src/main.ts", "--listen", "127.0.0.1:0"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BELLWETHER_ADMIN_TOKEN: ADMIN_TOKEN,
      BELLWETHER_LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in time:\n${out}`)), 45_000);
    const check = () => {
      const line = out.split("\n").find((l) => l.includes('"hub listening"'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url, output: () => out });
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("migrations", () => {
  it("apply to an empty database, then again as a no-op, also when several run at once", async () => {
    const db = await useTestDatabase();
    const first = await migrateDatabase(db.url);
    expect(first.applied).toBeGreaterThanOrEqual(1);
    expect(first.total).toBe(first.applied);
    const again = await migrateDatabase(db.url);
    expect(again).toEqual({ applied: 0, total: first.total });

    const other = await useTestDatabase();
    const together = await Promise.all([
      migrateDatabase(other.url),
      migrateDatabase(other.url),
      migrateDatabase(other.url),
    ]);
    expect(together.map((r) => r.applied).sort()).toEqual([0, 0, first.total]);

    const c = new pg.Client({ connectionString: other.url });
    await c.connect();
    const tables = await c.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    await c.end();
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      "analysis_templates",
      "api_tokens",
      "approvals",
      "cluster_rollouts",
      "clusters",
      "commands",
      "fleet_releases",
      "ledger_chains",
      "ledger_events",
      "ledger_inbox",
      "release_clusters",
      "release_waves",
      "rollout_policies",
    ]);
  });
});

describe("two hub processes on one database", () => {
  it("both come up, share state, stream each other's changes over SSE, and stop gracefully", async () => {
    const db = await useTestDatabase();
    const [one, two] = await Promise.all([spawnHub(db.url), spawnHub(db.url)]);
    children.push(one.child, two.child);
    expect((await api(one.url, "GET", "/readyz", { token: null })).status).toBe(200);
    expect((await api(two.url, "GET", "/readyz", { token: null })).status).toBe(200);
    const logs = one.output() + two.output();
    expect(logs).not.toContain(ADMIN_TOKEN);

    // A change made through hub two reaches an SSE client of hub one.
    const seen = await waitForSseEvent(
      `${one.url}/api/v1/events?type=ledger`,
      ADMIN_TOKEN,
      (e) => e.data.kind === "cluster.registered",
      {
        timeoutMs: 15_000,
        onOpen: async () => {
          const r = await api(two.url, "POST", "/api/v1/clusters", { body: { name: "ap-south-1" } });
          expect(r.status).toBe(201);
        },
      },
    );
    expect(seen).toMatchObject({
      event: "ledger",
      data: { kind: "cluster.registered", chain: "admin", cluster: "ap-south-1", actor: "token:bootstrap-admin" },
    });
    expect((await api(one.url, "GET", "/api/v1/clusters/ap-south-1")).status).toBe(200);

    // An open SSE stream does not hold up shutdown.
    const stream = await fetch(`${one.url}/api/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(stream.status).toBe(200);
    one.child.kill("SIGTERM");
    two.child.kill("SIGTERM");
    expect(await Promise.all([exitOf(one.child), exitOf(two.child)])).toEqual([0, 0]);
    expect(one.output()).toContain('"hub stopped"');
    await stream.body?.cancel().catch(() => {});
  });

  it("prints a generated first admin token once, and never logs it", async () => {
    const db = await useTestDatabase();
    const first = await spawnHub(db.url, { BELLWETHER_ADMIN_TOKEN: "" });
    children.push(first.child);
    const m = /FIRST ADMIN TOKEN[^\n]*\n(bw_\S+)/.exec(first.output());
    expect(m?.[1]).toBeDefined();
    const token = m?.[1] as string;
    expect((await api(first.url, "GET", "/api/v1/tokens", { token })).status).toBe(200);
    const logLines = first
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(logLines.join("\n")).not.toContain(token);
    first.child.kill("SIGTERM");
    expect(await exitOf(first.child)).toBe(0);

    const second = await spawnHub(db.url, { BELLWETHER_ADMIN_TOKEN: "" });
    children.push(second.child);
    expect(second.output()).not.toContain("FIRST ADMIN TOKEN");
    second.child.kill("SIGTERM");
    expect(await exitOf(second.child)).toBe(0);
  });
});
