import { WorkQueue } from "./work-queue.ts";

/** What a reconcile asks for next: nothing, or another look after a delay (a timed pause, a measurement...). */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** Reconciles one key: reads current state, decides, writes once. Thrown errors are retried with backoff. */
export type Reconciler<K> = (key: K) => Promise<ReconcileResult | undefined>;

/** Observations of each reconcile, for metrics and logs. */
export interface ReconcileObserver<K> {
  onReconciled?(key: K, handlerMs: number, waitedMs: number): void;
  onError?(key: K, error: unknown, retryInMs: number, retries: number): void;
}

export interface ReconcileLoopOptions<K> {
  workers: number;
  reconcile: Reconciler<K>;
  observer?: ReconcileObserver<K>;
  queue?: WorkQueue<K>;
  /** After this many consecutive failures a key is dropped until its object changes again. */
  maxRetries?: number;
}

/**
 * Runs N workers over a keyed queue. One key is reconciled by at most one worker at a time (the queue guarantees
 * it); a failure is retried with per-key exponential backoff; success resets the backoff.
 */
export class ReconcileLoop<K = string> {
  readonly queue: WorkQueue<K>;
  private readonly options: ReconcileLoopOptions<K>;
  private running: Promise<void>[] = [];
  private inFlight = 0;

  constructor(options: ReconcileLoopOptions<K>) {
    this.options = options;
    this.queue = options.queue ?? new WorkQueue<K>();
  }

  /** Starts the workers (idempotent). */
  start(): void {
    if (this.running.length > 0) return;
    for (let i = 0; i < Math.max(1, this.options.workers); i++) this.running.push(this.worker());
  }

  /** Keys being reconciled right now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Stops handing out keys and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.running);
    this.running = [];
  }

  private async worker(): Promise<void> {
    for (;;) {
      const item = await this.queue.get();
      if (!item) return;
      const { key, waitedMs } = item;
      const started = performance.now();
      this.inFlight++;
      try {
        const result = await this.options.reconcile(key);
        this.queue.forget(key);
        this.options.observer?.onReconciled?.(key, performance.now() - started, waitedMs);
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        const retries = this.queue.retries(key);
        if (this.options.maxRetries !== undefined && retries >= this.options.maxRetries) {
          this.queue.forget(key);
          this.options.observer?.onError?.(key, error, -1, retries);
        } else {
          const retryInMs = this.queue.addRateLimited(key);
          this.options.observer?.onError?.(key, error, retryInMs, retries + 1);
        }
      } finally {
        this.inFlight--;
        this.queue.done(key);
      }
    }
  }
}
