import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { useTestDatabase, useTestNats } from "./isolation.ts";

/**
 * Two files run this with different names. Both create the same table and stream/subject names, meet at a
 * barrier held in Postgres' maintenance database (advisory lock counting), and check that each sees only its
 * own rows and messages.
 */
export function isolationScenario(me: "a" | "b"): void {
  describe(`isolation (${me})`, () => {
    it("keeps table and subject names of concurrent files apart", async () => {
      const db = await useTestDatabase();
      const nats = await useTestNats();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query("CREATE TABLE shared_name (who text NOT NULL)");
      await client.query("INSERT INTO shared_name (who) VALUES ($1)", [me]);

      const jsm = await jetstreamManager(nats.connection);
      const stream = `${nats.prefix}_events`;
      await jsm.streams.add({ name: stream, subjects: [`${nats.prefix}.evt.>`] });
      const js = jetstream(nats.connection);
      await js.publish(`${nats.prefix}.evt.same`, me);

      await barrier(me);

      const rows = await client.query<{ who: string }>("SELECT who FROM shared_name");
      expect(rows.rows.map((r) => r.who)).toEqual([me]);
      const info = await jsm.streams.info(stream);
      expect(info.state.messages).toBe(1);
      const msg = await jsm.streams.getMessage(stream, { seq: 1 });
      expect(msg?.string()).toBe(me);
      await client.end();
    });
  });
}

/**
 * Waits until both files have reached this point (or gives up after a while when the files were not run
 * together, e.g. one selected alone). Uses a table in the shared maintenance database as the meeting place.
 */
async function barrier(me: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject("databaseUrl") });
  await admin.connect();
  try {
    await admin.query("CREATE TABLE IF NOT EXISTS bw_test_barrier (run text, who text, PRIMARY KEY (run, who))");
  } catch {
    // another file created it at the same moment
  }
  const run = inject("runId");
  await admin.query("INSERT INTO bw_test_barrier (run, who) VALUES ($1, $2) ON CONFLICT DO NOTHING", [run, me]);
  const deadline = Date.now() + 20_000;
  let seen = 0;
  while (Date.now() < deadline) {
    const r = await admin.query("SELECT count(*)::int AS n FROM bw_test_barrier WHERE run = $1", [run]);
    seen = r.rows[0].n;
    if (seen >= 2) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  await admin.end();
  expect(seen, "the other isolation file never reached the barrier").toBeGreaterThanOrEqual(2);
}
