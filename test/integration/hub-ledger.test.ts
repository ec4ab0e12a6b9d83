import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH, ledgerRowHash, type RunningHub, verifyLedger } from "../../hub/src/index.ts";
import { useTestDatabase } from "../support/isolation.ts";
import { api, startTestHub } from "./hub-support.ts";

let a: RunningHub;
let b: RunningHub;
let sql: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase();
  // Two hubs on one database: what two replicas are.
  [a, b] = await Promise.all([startTestHub(db.url), startTestHub(db.url)]);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  await api(a.url, "POST", "/api/v1/clusters", { body: { name: "eu-1" } });
});

afterAll(async () => {
  await sql?.end();
  await Promise.all([a?.stop(), b?.stop()]);
});

async function chainRows(chain: string) {
  const r = await sql.query(
    "SELECT seq, at, actor, kind, subject, data, hash FROM ledger_events WHERE chain = $1 ORDER BY seq",
    [chain],
  );
  return r.rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

describe("one writer per chain", () => {
  it("never forks a chain under parallel requests through two replicas", async () => {
    const n = 60;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        api(i % 2 === 0 ? a.url : b.url, "POST", "/api/v1/commands", {
          body: { cluster: "eu-1", namespace: "shop", rollout: "web", action: "retry", reason: `try ${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(201));
    const rows = await chainRows("app:shop/web");
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // Every command appears exactly once.
    expect(new Set(rows.map((r) => r.data.commandId)).size).toBe(n);
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const hash = ledgerRowHash(prev, { ...r, chain: "app:shop/web", at: (r.at as Date).toISOString() });
      expect(r.hash).toBe(hash);
      prev = hash;
    }
    const head = await sql.query("SELECT head_seq, head_hash FROM ledger_chains WHERE chain = 'app:shop/web'");
    expect(head.rows[0]).toEqual({ head_seq: String(n), head_hash: prev });
    const pending = await sql.query("SELECT count(*)::int AS n FROM ledger_inbox WHERE appended_seq IS NULL");
    expect(pending.rows[0].n).toBe(0);
  });

  it("appends a redelivered event once, and concurrent appenders agree", async () => {
    const chain = "app:redelivery";
    const event = {
      chain,
      actor: "cluster:eu-1/local",
      kind: "rollout.promoted",
      subject: "eu-1/shop/api",
      data: { cluster: "eu-1" },
    };
    expect(await a.ledger.record(a.database.db, { ...event, source: "cluster:eu-1", eventId: "e-1" })).toBe(true);
    expect(await b.ledger.record(b.database.db, { ...event, source: "cluster:eu-1", eventId: "e-1" })).toBe(false);
    // One transaction, so the replicas' sweeps, and the appenders below, all meet 299 pending events at once.
    await a.database.db.transaction(async (tx) => {
      for (let i = 2; i <= 300; i++) {
        await a.ledger.record(tx, { ...event, source: "cluster:eu-1", eventId: `e-${i}` });
      }
    });
    await Promise.all([
      a.ledger.appendPending(chain),
      b.ledger.appendPending(chain),
      a.ledger.appendPending(chain),
      b.ledger.appendAllPending(),
    ]);
    // Redelivered after it was appended: still a no-op.
    expect(await b.ledger.record(b.database.db, { ...event, source: "cluster:eu-1", eventId: "e-1" })).toBe(false);
    expect(await a.ledger.appendPending(chain)).toEqual([]);
    const rows = await chainRows(chain);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const ids = await sql.query("SELECT event_id FROM ledger_inbox WHERE chain = $1 ORDER BY appended_seq", [chain]);
    expect(ids.rows.map((r) => r.event_id)).toEqual(Array.from({ length: 300 }, (_, i) => `e-${i + 1}`));
    expect((await verifyLedger(a.database.db, { chain })).ok).toBe(true);
  });

  it("the sweep appends events whose immediate append never happened", async () => {
    await a.ledger.record(a.database.db, {
      chain: "app:swept",
      actor: "system:test",
      kind: "test.recorded",
      subject: "x",
      data: {},
    });
    const deadline = Date.now() + 10_000;
    let rows: unknown[] = [];
    while (Date.now() < deadline && rows.length === 0) {
      rows = await chainRows("app:swept");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(1);
  });
});

describe("verify", () => {
  it("passes on an untouched ledger", async () => {
    const r = await api(a.url, "POST", "/api/v1/ledger/verify", { body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, problems: [] });
    expect(r.body.rows).toBeGreaterThanOrEqual(362);
  });

  it("names a row changed by hand in SQL", async () => {
    await sql.query(
      `UPDATE ledger_events SET data = jsonb_set(data, '{reason}', '"nothing to see"') WHERE chain = 'app:shop/web' AND seq = 17`,
    );
    const r = await api(b.url, "POST", "/api/v1/ledger/verify", { body: {} });
    expect(r.body.ok).toBe(false);
    expect(r.body.problems).toEqual([
      { chain: "app:shop/web", seq: 17, reason: expect.stringContaining("hash mismatch") },
    ]);
    const one = await api(b.url, "POST", "/api/v1/ledger/verify", { body: { chain: "admin" } });
    expect(one.body).toMatchObject({ ok: true, chains: 1 });
  });

  it("catches a forged row whose hash was recomputed, at the next row", async () => {
    const [row] = (await chainRows("app:redelivery")).filter((r) => r.seq === 5);
    const forged = { ...row, chain: "app:redelivery", actor: "token:intruder", at: (row.at as Date).toISOString() };
    const prev = (await chainRows("app:redelivery")).find((r) => r.seq === 4)?.hash as string;
    await sql.query("UPDATE ledger_events SET actor = $1, hash = $2 WHERE chain = 'app:redelivery' AND seq = 5", [
      forged.actor,
      ledgerRowHash(prev, forged),
    ]);
    const r = await verifyLedger(a.database.db, { chain: "app:redelivery" });
    expect(r.problems).toEqual([{ chain: "app:redelivery", seq: 6, reason: expect.stringContaining("hash mismatch") }]);
  });

  it("names deleted rows, in the middle and at the end", async () => {
    await sql.query("DELETE FROM ledger_events WHERE chain = 'app:swept' AND seq = 1");
    const tail = await verifyLedger(a.database.db, { chain: "app:swept" });
    expect(tail.problems).toEqual([{ chain: "app:swept", seq: 1, reason: expect.stringContaining("row missing") }]);
    await sql.query("DELETE FROM ledger_events WHERE chain = 'admin' AND seq = 1");
    const middle = await verifyLedger(a.database.db, { chain: "admin" });
    expect(middle.problems).toEqual([{ chain: "admin", seq: 1, reason: expect.stringContaining("row missing") }]);
  });
});
