import { describe, expect, it } from "vitest";
import { evaluateCondition } from "./evaluate-condition.ts";
import { evaluateTime } from "./evaluate-time.ts";
import { ExpressionError } from "./expr/expression-error.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

function failure(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error("expected a failure");
}

describe("evaluateTime (Prometheus rangeQuery start/end)", () => {
  it.each([
    ["now()", "2026-03-01T12:00:00.000Z"],
    ["now() - duration('1h')", "2026-03-01T11:00:00.000Z"],
    ["now() - duration('1h30m') + duration('30s')", "2026-03-01T10:30:30.000Z"],
    ["duration('5m') + now()", "2026-03-01T12:05:00.000Z"],
    ["now() - duration('1m') * 10", "2026-03-01T11:50:00.000Z"],
    ["date('2026-02-28T23:00:00Z')", "2026-02-28T23:00:00.000Z"],
    ["date('2026-02-28T23:00:00+02:00')", "2026-02-28T21:00:00.000Z"],
    ["date('2026-02-28')", "2026-02-28T00:00:00.000Z"],
    ["date('2026-02-28 06:07:08') + duration('2s')", "2026-02-28T06:07:10.000Z"],
    ["now() - date('2026-03-01') > duration('11h') ? now() : date('2000-01-01')", "2026-03-01T12:00:00.000Z"],
  ])("%s is %s", (expression, iso) => {
    expect(evaluateTime(expression, NOW).toISOString()).toBe(iso);
  });

  it("refuses non-time values, bad durations and dates, and names outside Argo's time environment", () => {
    expect(failure(() => evaluateTime("duration('1h')", NOW)).message).toBe(
      "expected time.Time, but got time.Duration",
    );
    expect(failure(() => evaluateTime("1", NOW)).message).toBe("expected time.Time, but got int");
    expect(failure(() => evaluateTime("now() - duration('1 hour')", NOW)).message).toBe(
      'time: unknown unit " hour" in duration "1 hour"',
    );
    expect(failure(() => evaluateTime("date('yesterday')", NOW)).message).toBe(
      'parsing time "yesterday": unsupported date format',
    );
    expect(failure(() => evaluateTime("now() + now()", NOW)).message).toBe("invalid operation: time.Time + time.Time");
    expect(failure(() => evaluateTime("result", NOW)).code).toBe("EXPR_UNKNOWN_NAME");
    expect(failure(() => evaluateTime("asInt('1')", NOW)).message).toBe("unknown name asInt");
  });

  it("lets conditions compare times and durations too", () => {
    expect(evaluateCondition("now() > date('2000-01-01')", null)).toBe(true);
    expect(evaluateCondition("duration('90s') == duration('1m30s') && duration('1s') < duration('2s')", null)).toBe(
      true,
    );
    expect(evaluateCondition("string(duration('1h2m3s')) == '1h2m3s' && type(now()) == 'time.Time'", null)).toBe(true);
  });
});
