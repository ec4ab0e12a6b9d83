/** The longest window the per-version JSON can look back over, in simulated seconds. */
export const MAX_WINDOW_SECONDS = 60;

/**
 * Successes and errors of one series per simulated second, for the last MAX_WINDOW_SECONDS: a fixed ring of
 * typed arrays (about 1.4 KiB a series), so a Web-provider query can ask for the current error rate rather than
 * the rate since the version first got traffic.
 */
export class RecentCounts {
  readonly #second = new Float64Array(MAX_WINDOW_SECONDS).fill(-1);
  readonly #success = new Float64Array(MAX_WINDOW_SECONDS);
  readonly #errors = new Float64Array(MAX_WINDOW_SECONDS);

  add(atMs: number, success: number, errors: number): void {
    const second = Math.floor(atMs / 1000);
    const i = second % MAX_WINDOW_SECONDS;
    if (this.#second[i] !== second) {
      this.#second[i] = second;
      this.#success[i] = 0;
      this.#errors[i] = 0;
    }
    this.#success[i] = (this.#success[i] ?? 0) + success;
    this.#errors[i] = (this.#errors[i] ?? 0) + errors;
  }

  /** Totals over the `windowSeconds` simulated seconds ending at `nowMs` (its own second included). */
  sum(nowMs: number, windowSeconds: number): { success: number; errors: number } {
    const now = Math.floor(nowMs / 1000);
    const from = now - Math.min(windowSeconds, MAX_WINDOW_SECONDS);
    let success = 0;
    let errors = 0;
    for (let i = 0; i < MAX_WINDOW_SECONDS; i++) {
      const s = this.#second[i] ?? -1;
      if (s > from && s <= now) {
        success += this.#success[i] ?? 0;
        errors += this.#errors[i] ?? 0;
      }
    }
    return { success, errors };
  }
}
