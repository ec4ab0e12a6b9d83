import { afterEach, describe, expect, it, vi } from "vitest";
import { TimerQueue } from "./timer-queue.ts";

describe("TimerQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires keys in deadline order through one timer, superseding re-scheduled keys", () => {
    vi.useFakeTimers({ now: 0 });
    const fired: string[] = [];
    const q = new TimerQueue(
      (k) => fired.push(k),
      () => Date.now(),
    );
    for (let i = 0; i < 1_000; i++) q.schedule(`pod-${i}`, 1_000 + ((i * 7919) % 1_000));
    q.schedule("early", 10);
    q.schedule("moved", 50);
    q.schedule("moved", 3_000);
    q.schedule("gone", 20);
    q.cancel("gone");
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(["early"]);
    vi.advanceTimersByTime(2_000);
    expect(fired).toHaveLength(1_001);
    const order = fired.slice(1).map((k) => 1_000 + ((Number(k.slice(4)) * 7919) % 1_000));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    vi.advanceTimersByTime(1_000);
    expect(fired.at(-1)).toBe("moved");
    expect(q.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops for good", () => {
    vi.useFakeTimers({ now: 0 });
    const fired: string[] = [];
    const q = new TimerQueue(
      (k) => fired.push(k),
      () => Date.now(),
    );
    q.schedule("a", 10);
    q.stop();
    q.schedule("b", 10);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
