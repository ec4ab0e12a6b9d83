/** Per-key retry delays: exponential from baseDelayMs, capped at maxDelayMs. */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * A keyed work queue with Kubernetes controller semantics: a key waiting in the queue is held once however often
 * it is added; a key being processed is never handed to a second worker, and an add while it is processed
 * queues it again when the worker is done. Keys can be added after a delay (the earliest pending delay wins) or
 * rate-limited with a per-key exponential backoff that `forget` resets.
 */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly enqueuedAt = new Map<K, number>();
  private readonly waiting: Array<(key: K | undefined) => void> = [];
  private readonly delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<K, number>();
  private shuttingDown = false;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;

  constructor(options: { backoff?: Partial<BackoffOptions>; now?: () => number } = {}) {
    this.backoff = { baseDelayMs: 5, maxDelayMs: 300_000, ...options.backoff };
    this.now = options.now ?? Date.now;
  }

  /** Queues a key now. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.enqueuedAt.has(key)) this.enqueuedAt.set(key, this.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Queues a key after delayMs; an earlier pending request for the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.delayed.set(key, { at, timer });
  }

  /** Queues a key after its next backoff delay (each call doubles it until forget). */
  addRateLimited(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delayMs = Math.min(this.backoff.maxDelayMs, this.backoff.baseDelayMs * 2 ** Math.min(n, 40));
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** How many times a key has been retried since the last forget. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets a key's backoff (after a successful reconcile). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /**
   * Waits for the next key and marks it as being processed; resolves undefined once the queue is shut down.
   * `waitedMs` is how long the key sat in the queue.
   */
  async get(): Promise<{ key: K; waitedMs: number } | undefined> {
    const key = this.head < this.queue.length ? this.shift() : await this.waitForKey();
    if (key === undefined) return undefined;
    const since = this.enqueuedAt.get(key) ?? this.now();
    this.enqueuedAt.delete(key);
    return { key, waitedMs: this.now() - since };
  }

  /** Marks a key as processed; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /** Keys waiting to be processed. */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys waiting for a delay to pass. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops handing out keys; waiting workers get undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiting.splice(0)) w(undefined);
  }

  private push(key: K): void {
    const waiter = this.waiting.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  private shift(): K {
    const key = this.queue[this.head++] as K;
    // Compact now and then so a long-lived queue does not keep a growing array of consumed slots.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private waitForKey(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
