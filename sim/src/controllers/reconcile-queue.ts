import { TimerQueue } from "./timer-queue.ts";

/**
 * A keyed, de-duplicating work queue like client-go's: keys added while a batch is pending are handled once, on
 * the next turn of the event loop (never inside the write that caused them, since the change feed calls its
 * listeners synchronously), and `after` re-adds a key at a deadline through the cluster's single timer.
 */
export class ReconcileQueue {
  readonly #pending = new Set<string>();
  readonly #handle: (key: string) => void;
  readonly #timers: TimerQueue;
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;
  #waiters: (() => void)[] = [];

  constructor(handle: (key: string) => void) {
    this.#handle = handle;
    this.#timers = new TimerQueue((key) => this.add(key));
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    this.#scheduled ??= setImmediate(() => this.#drain());
  }

  /** Adds `key` again at `dueMs` (epoch ms); a later call for the same key replaces the deadline. */
  after(key: string, dueMs: number): void {
    this.#timers.schedule(key, dueMs);
  }

  cancelDeadline(key: string): void {
    this.#timers.cancel(key);
  }

  /** Keys waiting for a deadline. */
  get waiting(): number {
    return this.#timers.size;
  }

  /** Resolves when no key is pending (deadlines still waiting do not count). */
  idle(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    this.#timers.stop();
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#pending.clear();
    this.#release();
  }

  #drain(): void {
    this.#scheduled = undefined;
    // Keys added while draining (by the writes a reconcile makes) wait for the next turn, so one busy object
    // cannot starve the event loop.
    const keys = [...this.#pending];
    this.#pending.clear();
    for (const key of keys) {
      if (this.#stopped) return;
      this.#handle(key);
    }
    if (!this.#scheduled) this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
