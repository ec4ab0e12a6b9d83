/**
 * Ledger benchmark: loads N hashed ledger events with COPY (default 1,000,000; BW_BENCH_LEDGER_N overrides),
 * then measures the p99 of "newest 100 events of one app" (target ≤ 50 ms at 10 million rows) and the append
 * throughput of one chain's writer. Needs DATABASE_URL (a user that may CREATE DATABASE); works in a database of
 * its own and drops it afterwards.
 *
 * Start/stop events: query latency is one `queryLedger` call (SQL round trip + row decoding); append throughput
 * is `appendPending` of a filled inbox (batch) or `record` + `appendPending` per event (as an API call does).
 */
import { randomBytes } from "node:crypto";
import { statfs } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  appChain,
  GENESIS_HASH,
  ledgerRowHash,
  migrateDatabase,
  openDatabase,
  PostgresLedger,
  verifyLedger,
} from "../../hub/src/index.ts";
import { queryLedger } from "../../hub/src/ledger/ledger-query.ts";
import type { BenchResult } from "./bench-result.ts";

// Measured on this schema: about 0.9 KB per row with its six indexes; ask for three times that, for WAL too.
const BYTES_PER_ROW = 900;
const DISK_FACTOR = 3;
const KINDS = [
  "command.created",
  "rollout.step-completed",
  "rollout.paused",
  "analysis.failed",
  "release.wave-started",
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** COPY text format: backslash, tab, newline and carriage return must be escaped. */
function copyField(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

async function freeBytesNear(admin: pg.Client): Promise<{ bytes: number; path: string }> {
  let path = "/";
  try {
    const r = await admin.query<{ data_directory: string }>("SHOW data_directory");
    path = r.rows[0]?.data_directory ?? "/";
    const s = await statfs(path);
    return { bytes: s.bavail * s.bsize, path };
  } catch {
    // Not superuser or not on this machine: the local root is the best guess we have.
    const s = await statfs("/");
    return { bytes: s.bavail * s.bsize, path: "/ (database directory not visible)" };
  }
}

export async function run(): Promise<BenchResult[]> {
  const n = Number(process.env.BW_BENCH_LEDGER_N ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1000) throw new Error("BW_BENCH_LEDGER_N must be an integer of at least 1000");
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("the ledger benchmark needs DATABASE_URL (a user that may CREATE DATABASE)");
  const apps = Math.max(10, Math.min(10_000, Math.round(n / 1000)));

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const needed = n * BYTES_PER_ROW * DISK_FACTOR;
  const free = await freeBytesNear(admin);
  if (free.bytes < needed) {
    await admin.end();
    throw new Error(
      `not enough free disk at ${free.path}: ${(free.bytes / 2 ** 30).toFixed(1)} GiB free, ` +
        `${(needed / 2 ** 30).toFixed(1)} GiB wanted for ${n.toLocaleString("en")} events; lower BW_BENCH_LEDGER_N`,
    );
  }
  const name = `bw_bench_ledger_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  const url = withDatabase(adminUrl, name);
  const results: BenchResult[] = [];
  const database = openDatabase(url, { max: 8 });
  try {
    await migrateDatabase(url);

    // Load: hash every row for real (the chains must verify), stream them through COPY.
    const heads = new Map<string, { seq: number; hash: string }>();
    const baseMs = Date.parse("2026-01-01T00:00:00.000Z");
    function* lines(): Generator<string> {
      let chunk: string[] = [];
      for (let i = 0; i < n; i++) {
        // Skewed popularity: a few apps get most events, as in a real fleet.
        const app = Math.floor(apps * Math.random() ** 2);
        const chain = appChain(`team-${app % 50}/app-${app}`);
        const head = heads.get(chain) ?? { seq: 0, hash: GENESIS_HASH };
        const row = {
          chain,
          seq: head.seq + 1,
          at: new Date(baseMs + i * 10).toISOString(),
          actor: i % 7 === 0 ? `cluster:c-${i % 200}/local` : `token:user-${i % 40}`,
          kind: KINDS[i % KINDS.length] as string,
          subject: `c-${i % 200}/default/app-${app}`,
          data: {
            cluster: `c-${i % 200}`,
            reason: "bench",
            step: i % 8,
            image: `registry.example/app-${app}:v${i % 97}`,
          },
        };
        const hash = ledgerRowHash(head.hash, row);
        heads.set(chain, { seq: row.seq, hash });
        chunk.push(
          [row.chain, row.seq, row.at, row.actor, row.kind, row.subject, JSON.stringify(row.data), hash]
            .map((f) => copyField(String(f)))
            .join("\t"),
        );
        if (chunk.length === 2000) {
          yield `${chunk.join("\n")}\n`;
          chunk = [];
        }
      }
      if (chunk.length) yield `${chunk.join("\n")}\n`;
    }
    const client = await database.pool.connect();
    const loadStart = performance.now();
    try {
      await pipeline(
        Readable.from(lines()),
        client.query(copyFrom("COPY ledger_events (chain, seq, at, actor, kind, subject, data, hash) FROM STDIN")),
      );
      const headRows = [...heads].map(([chain, h]) => [chain, h.seq, h.hash].join("\t")).join("\n");
      await pipeline(
        Readable.from([`${headRows}\n`]),
        client.query(copyFrom("COPY ledger_chains (chain, head_seq, head_hash) FROM STDIN")),
      );
      await client.query("ANALYZE ledger_events");
      await client.query("ANALYZE ledger_chains");
    } finally {
      client.release();
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const size = await database.pool.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('ledger_events') AS bytes",
    );
    results.push({
      name: `load ${n.toLocaleString("en")} events (hash + COPY + analyze)`,
      value: n / loadSeconds,
      unit: "events/s",
    });
    results.push({
      name: "ledger size per event (rows + indexes)",
      value: Number(size.rows[0]?.bytes) / n,
      unit: "bytes",
    });

    // Query: newest 100 events of one app, over apps of every size.
    const chains = [...heads].sort((a, b) => b[1].seq - a[1].seq).map(([c]) => c);
    const samples: number[] = [];
    const iterations = 600;
    for (let i = 0; i < iterations + 50; i++) {
      const chain = chains[i % 3 === 0 ? 0 : Math.floor(Math.random() * chains.length)] as string;
      const t0 = performance.now();
      const page = await queryLedger(database.db, { chain, limit: 100 });
      const ms = performance.now() - t0;
      if (page.events.length === 0) throw new Error(`no events for ${chain}`);
      if (i >= 50) samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    const p99 = percentile(samples, 99);
    results.push({
      name: `newest 100 events of one app, p50 (${n.toLocaleString("en")} rows)`,
      value: percentile(samples, 50),
      unit: "ms",
    });
    results.push({
      name: `newest 100 events of one app, p99 (${n.toLocaleString("en")} rows, ${apps} apps)`,
      value: p99,
      unit: "ms",
      target: n >= 10_000_000 ? "<= 50 ms at 10M rows" : `<= 50 ms at 10M rows (measured at ${n.toLocaleString("en")})`,
      ok: p99 <= 50,
    });
    const filtered: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await queryLedger(database.db, { cluster: `c-${i % 200}`, limit: 100 });
      filtered.push(performance.now() - t0);
    }
    filtered.sort((a, b) => a - b);
    results.push({ name: "newest 100 events of one cluster, p99", value: percentile(filtered, 99), unit: "ms" });

    // Append: one chain's writer, batched from a filled inbox, and one event per call as the API does.
    const ledger = new PostgresLedger(database.db);
    const busiest = chains[0] as string;
    const batch = 5000;
    for (let i = 0; i < batch; i += 500) {
      await database.db.transaction(async (tx) => {
        for (let j = 0; j < 500; j++) {
          await ledger.record(tx, {
            chain: busiest,
            actor: "token:bench",
            kind: "bench.batch",
            subject: "x",
            data: { i: i + j },
          });
        }
      });
    }
    let t0 = performance.now();
    const appended = await ledger.appendPending(busiest);
    const batchSeconds = (performance.now() - t0) / 1000;
    if (appended.length !== batch) throw new Error(`appended ${appended.length} of ${batch}`);
    results.push({
      name: "append throughput, one chain, batched from the inbox",
      value: batch / batchSeconds,
      unit: "events/s",
    });

    const single = 500;
    t0 = performance.now();
    for (let i = 0; i < single; i++) {
      await ledger.record(database.db, {
        chain: busiest,
        actor: "token:bench",
        kind: "bench.single",
        subject: "x",
        data: { i },
      });
      await ledger.appendPending(busiest);
    }
    results.push({
      name: "append throughput, one chain, one event per call",
      value: single / ((performance.now() - t0) / 1000),
      unit: "events/s",
    });

    const concurrent = 4;
    const perWriter = 250;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrent }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          await ledger.record(database.db, {
            chain: busiest,
            actor: `token:w${w}`,
            kind: "bench.contended",
            subject: "x",
            data: { i },
          });
          await ledger.appendPending(busiest);
        }
      }),
    );
    results.push({
      name: `append throughput, one chain, ${concurrent} contending writers`,
      value: (concurrent * perWriter) / ((performance.now() - t0) / 1000),
      unit: "events/s",
    });

    t0 = performance.now();
    const verified = await verifyLedger(database.db, { chain: busiest });
    if (!verified.ok) throw new Error(`benchmark chain does not verify: ${JSON.stringify(verified.problems)}`);
    results.push({
      name: `verify throughput (${verified.rows.toLocaleString("en")} rows)`,
      value: verified.rows / ((performance.now() - t0) / 1000),
      unit: "rows/s",
    });
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return results;
}
