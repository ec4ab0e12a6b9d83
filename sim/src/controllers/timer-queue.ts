interface Entry {
  dueMs: number;
  key: string;
  seq: number;
}

/**
 * Deadlines for one cluster in a binary min-heap behind a single Node timer, so thousands of pods waiting to
 * become Ready cost one `setTimeout`, not one each. Re-scheduling a key supersedes its older deadline (the stale
 * heap entry is skipped when it surfaces).
 */
export class TimerQueue {
  readonly #heap: Entry[] = [];
  readonly #latest = new Map<string, number>();
  readonly #onDue: (key: string) => void;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #seq = 0;
  #stopped = false;

  constructor(onDue: (key: string) => void, now: () => number = Date.now) {
    this.#onDue = onDue;
    this.#now = now;
  }

  /** How many keys have a pending deadline. */
  get size(): number {
    return this.#latest.size;
  }

  schedule(key: string, dueMs: number): void {
    if (this.#stopped) return;
    const seq = ++this.#seq;
    this.#latest.set(key, seq);
    this.#push({ dueMs, key, seq });
    this.#arm();
  }

  cancel(key: string): void {
    this.#latest.delete(key);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#heap.length = 0;
    this.#latest.clear();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = this.#now();
    const due: string[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.dueMs <= now) {
      const e = this.#pop();
      if (this.#latest.get(e.key) !== e.seq) continue;
      this.#latest.delete(e.key);
      due.push(e.key);
    }
    for (const key of due) this.#onDue(key);
    this.#arm();
  }

  #arm(): void {
    while (this.#heap.length > 0 && this.#latest.get(this.#heap[0]!.key) !== this.#heap[0]!.seq) this.#pop();
    const head = this.#heap[0];
    if (!head || this.#stopped) return;
    if (this.#timer && head.dueMs >= this.#armedFor) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = head.dueMs;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, head.dueMs - this.#now()));
    this.#timer.unref();
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.dueMs <= e.dueMs) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  #pop(): Entry {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        let best = last.dueMs;
        if (l < h.length && h[l]!.dueMs < best) {
          smallest = l;
          best = h[l]!.dueMs;
        }
        if (r < h.length && h[r]!.dueMs < best) smallest = r;
        if (smallest === i) break;
        h[i] = h[smallest]!;
        i = smallest;
      }
      h[i] = last;
    }
    return top;
  }
}
