import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Change, PostgresChangeFeed } from "../../hub/src/index.ts";
import { useTestDatabase } from "../support/isolation.ts";

const change = (subject: string): Change => ({
  type: "ledger",
  kind: "test.changed",
  subject,
  at: new Date().toISOString(),
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("PostgresChangeFeed", () => {
  it("delivers to every subscriber on every replica, trims large payloads, and re-listens after losing its connection", async () => {
    const db = await useTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    cleanups.push(() => pool.end());
    const one = await PostgresChangeFeed.start({ url: db.url, pool, reconnectDelayMs: 100 });
    const two = await PostgresChangeFeed.start({ url: db.url, pool, reconnectDelayMs: 100 });
    cleanups.push(
      () => one.close(),
      () => two.close(),
    );
    const seenOne: Change[] = [];
    const seenTwo: Change[] = [];
    one.subscribe((c) => seenOne.push(c));
    const stop = two.subscribe((c) => seenTwo.push(c));

    await one.publish([change("a"), { ...change("big"), data: { blob: "x".repeat(10_000) } }]);
    await eventually(() => seenTwo.length === 2, 5000, "both changes reach the other replica");
    expect(seenTwo.map((c) => c.subject)).toEqual(["a", "big"]);
    expect(seenTwo[1]?.data).toBeUndefined();
    await eventually(() => seenOne.length === 2, 5000, "the publisher's own subscribers hear it too");

    stop();
    await one.publish([change("after-unsubscribe")]);
    await eventually(() => seenOne.length === 3, 5000, "replica one still listens");
    expect(seenTwo).toHaveLength(2);

    // Kill every listening backend: both feeds must come back on their own.
    const killed = await pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bellwether-change-feed' AND datname = current_database()",
    );
    expect(killed.rowCount).toBe(2);
    await eventually(
      async () => {
        await two.publish([change("after-reconnect")]);
        return seenOne.some((c) => c.subject === "after-reconnect");
      },
      10_000,
      "the feed re-listens after its connection was killed",
    );
  });
});
