import { describe, expect, it, vi } from "vitest";
import { WorkQueue } from "./work-queue.ts";

describe("WorkQueue", () => {
  it("holds a waiting key once however often it is added", async () => {
    const q = new WorkQueue();
    q.add("a");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect((await q.get())?.key).toBe("a");
    expect((await q.get())?.key).toBe("b");
    expect(q.length).toBe(0);
  });

  it("never hands a key being processed to a second worker, and requeues it when done if added meanwhile", async () => {
    const q = new WorkQueue();
    q.add("a");
    const first = await q.get();
    expect(first?.key).toBe("a");
    q.add("a");
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((x) => {
      second = x?.key;
    });
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done("a");
    await Promise.resolve();
    await Promise.resolve();
    expect(second).toBe("a");
  });

  it("does not requeue a processed key that was not added again", async () => {
    const q = new WorkQueue();
    q.add("a");
    await q.get();
    q.done("a");
    expect(q.length).toBe(0);
  });

  it("adds after a delay, the earliest pending delay winning", () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue({ now: () => Date.now() });
      q.addAfter("a", 1000);
      q.addAfter("a", 100);
      q.addAfter("a", 5000);
      vi.advanceTimersByTime(99);
      expect(q.length).toBe(0);
      vi.advanceTimersByTime(1);
      expect(q.length).toBe(1);
      expect(q.delayedCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("backs off exponentially per key until forgotten", () => {
    const q = new WorkQueue({ backoff: { baseDelayMs: 10, maxDelayMs: 50 } });
    expect(q.addRateLimited("a")).toBe(10);
    expect(q.addRateLimited("a")).toBe(20);
    expect(q.addRateLimited("a")).toBe(40);
    expect(q.addRateLimited("a")).toBe(50);
    expect(q.addRateLimited("b")).toBe(10);
    expect(q.retries("a")).toBe(4);
    q.forget("a");
    expect(q.addRateLimited("a")).toBe(10);
    q.shutDown();
  });

  it("reports how long a key waited", async () => {
    let t = 1000;
    const q = new WorkQueue({ now: () => t });
    q.add("a");
    t = 1250;
    q.add("a");
    expect(await q.get()).toEqual({ key: "a", waitedMs: 250 });
  });

  it("releases waiting workers on shutdown and ignores later adds", async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add("a");
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });
});
