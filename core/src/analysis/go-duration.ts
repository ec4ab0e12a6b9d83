/** A string Go's `time.ParseDuration` refuses, with Go's message. */
export class DurationError extends Error {
  override readonly name = "DurationError";
  readonly code = "INVALID_DURATION";
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration (`"30s"`, `"1m30s"`, `"1.5h"`, `"-2m"`, `"0"`) into milliseconds, as Argo's
 * `DurationString.Duration()` does for `interval` and `initialDelay`.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new DurationError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== "") {
    const num = /^(\d*)(\.\d*)?/.exec(s) as RegExpExecArray;
    if (num[0] === "" || num[0] === ".") throw new DurationError(`time: invalid duration ${quoted}`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? "";
    if (unit === "") throw new DurationError(`time: missing unit in duration ${quoted}`);
    const factor = UNIT_MS[unit];
    if (factor === undefined)
      throw new DurationError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    s = s.slice(unit.length);
    total += Number(num[0]) * factor;
  }
  // Go durations are int64 nanoseconds: about 292 years.
  if (total > 9_223_372_036_854) throw new DurationError(`time: invalid duration ${quoted}`);
  return sign * total;
}
