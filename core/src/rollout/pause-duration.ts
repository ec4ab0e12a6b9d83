import type { RolloutPause } from "../types/rollout.ts";

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go `time.ParseDuration` string (`"1h30m"`, `"1.5s"`, `"-2m"`, `"0"`) into milliseconds.
 * Returns undefined when the text is not a Go duration.
 */
export function parseGoDurationMs(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  TERM.lastIndex = 0;
  let totalNs = 0;
  while (TERM.lastIndex < rest.length) {
    const start = TERM.lastIndex;
    const match = TERM.exec(rest);
    if (!match || match.index !== start) return undefined;
    totalNs += Number(match[1]) * (UNIT_NS[match[2] ?? ""] ?? Number.NaN);
  }
  if (!Number.isFinite(totalNs)) return undefined;
  return (sign * totalNs) / 1e6;
}

/**
 * A pause step's duration in whole seconds, as Argo's `RolloutPause.DurationSeconds`: a number is seconds, a bare
 * integer string is seconds, otherwise a Go duration truncated to seconds; unparseable text gives -1 (rejected by
 * validation). `undefined` means the pause has no duration and waits for a promote.
 */
export function rolloutPauseSeconds(pause: RolloutPause): number | undefined {
  const duration = pause.duration;
  if (duration === undefined || duration === null) return undefined;
  if (typeof duration === "number") return Number.isInteger(duration) ? duration : -1;
  if (/^[+-]?\d+$/.test(duration)) return Number(duration);
  const ms = parseGoDurationMs(duration);
  return ms === undefined ? -1 : Math.trunc(ms / 1000);
}
