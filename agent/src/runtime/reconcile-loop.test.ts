import { describe, expect, it } from "vitest";
import { ReconcileLoop } from "./reconcile-loop.ts";
import { WorkQueue } from "./work-queue.ts";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("ReconcileLoop", () => {
  it("never reconciles one key on two workers at once, and catches up with changes made meanwhile", async () => {
    const active = new Set<string>();
    let overlaps = 0;
    const seen: string[] = [];
    const loop = new ReconcileLoop<string>({
      workers: 4,
      async reconcile(key) {
        if (active.has(key)) overlaps++;
        active.add(key);
        seen.push(key);
        await tick(5);
        active.delete(key);
        return undefined;
      },
    });
    loop.start();
    for (let i = 0; i < 20; i++) {
      loop.queue.add("a");
      loop.queue.add(`k${i % 3}`);
      await tick(1);
    }
    await tick(50);
    await loop.stop();
    expect(overlaps).toBe(0);
    // "a" was added while being reconciled, so it ran more than once, but far fewer times than it was added.
    const runsOfA = seen.filter((k) => k === "a").length;
    expect(runsOfA).toBeGreaterThan(1);
    expect(runsOfA).toBeLessThan(20);
  });

  it("retries failures with backoff and reports them, then resets on success", async () => {
    let calls = 0;
    const errors: number[] = [];
    const loop = new ReconcileLoop<string>({
      workers: 1,
      queue: new WorkQueue({ backoff: { baseDelayMs: 1, maxDelayMs: 4 } }),
      async reconcile() {
        calls++;
        if (calls < 4) throw new Error("conflict");
        return undefined;
      },
      observer: { onError: (_k, _e, retryInMs) => errors.push(retryInMs) },
    });
    loop.start();
    loop.queue.add("x");
    for (let i = 0; i < 100 && calls < 4; i++) await tick(2);
    await tick(5);
    await loop.stop();
    expect(calls).toBe(4);
    expect(errors).toEqual([1, 2, 4]);
    expect(loop.queue.retries("x")).toBe(0);
  });

  it("requeues after the delay a reconcile asks for", async () => {
    let calls = 0;
    const loop = new ReconcileLoop<string>({
      workers: 1,
      async reconcile() {
        calls++;
        return calls === 1 ? { requeueAfterMs: 10 } : undefined;
      },
    });
    loop.start();
    loop.queue.add("p");
    await tick(2);
    expect(calls).toBe(1);
    for (let i = 0; i < 50 && calls < 2; i++) await tick(2);
    await loop.stop();
    expect(calls).toBe(2);
  });

  it("drops a key after maxRetries until it is added again", async () => {
    let calls = 0;
    const loop = new ReconcileLoop<string>({
      workers: 1,
      maxRetries: 2,
      queue: new WorkQueue({ backoff: { baseDelayMs: 1, maxDelayMs: 1 } }),
      async reconcile() {
        calls++;
        throw new Error("always");
      },
    });
    loop.start();
    loop.queue.add("bad");
    await tick(40);
    await loop.stop();
    expect(calls).toBe(3);
  });
});
