/**
 * Runtime values. expr-lang keeps `int` and `float64` apart (`7 % 2` is fine, `7.0 % 2` is not; `1/2` is 0.5),
 * so integers are JS `bigint` (wrapped to 64 bits like Go) and floats are JS `number`.
 */
export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | TimeValue
  | DurationValue
  | Value[]
  | { [key: string]: Value };

/** Go's `time.Time` (millisecond precision is all the conditions need). */
export class TimeValue {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
}

/** Go's `time.Duration`, kept in milliseconds (fractions stand for micro- and nanoseconds). */
export class DurationValue {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
}

export function isTemporal(v: Value): v is TimeValue | DurationValue {
  return v instanceof TimeValue || v instanceof DurationValue;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export function isMap(v: Value): v is { [key: string]: Value } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isTemporal(v);
}

export function isNumber(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** Go's `%T` of the value as Argo's evaluator would see it, for error messages. */
export function goTypeName(v: Value): string {
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "string":
      return "string";
    default:
      if (v instanceof TimeValue) return "time.Time";
      if (v instanceof DurationValue) return "time.Duration";
      return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
  }
}

/** Go's `Duration.String()`: `1h2m3s`, `1.5s`, `250ms`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) {
    if (rest >= 1) return `${sign}${+rest.toFixed(6)}ms`;
    if (rest >= 0.001) return `${sign}${+(rest * 1000).toFixed(3)}µs`;
    return `${sign}${Math.round(rest * 1e6)}ns`;
  }
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = `${+(rest / 1000).toFixed(9)}s`;
  if (h > 0) return `${sign}${h}h${m}m${sec}`;
  if (m > 0) return `${sign}${m}m${sec}`;
  return `${sign}${sec}`;
}

/** Go's `%v` formatting, for messages and `string()`. */
export function formatValue(v: Value): string {
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
    case "bigint":
    case "string":
      return String(v);
    case "number":
      return formatFloat(v);
    default:
      if (v instanceof TimeValue) return new Date(v.ms).toISOString().replace("T", " ").replace("Z", " +0000 UTC");
      if (v instanceof DurationValue) return formatDuration(v.ms);
      if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
      return `map[${Object.keys(v)
        .sort()
        .map((k) => `${k}:${formatValue(v[k] as Value)}`)
        .join(" ")}]`;
  }
}

/** Go's `%v` for float64 (strconv 'g' with the shortest representation). */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant, exp] = f.toExponential().split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${mant}e${sign}${digits}`;
  }
  return String(f);
}

/** Wraps an integer to int64 as Go's arithmetic does. */
export function wrapInt(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Deep equality with expr-lang's rules: numbers compare across int and float, other kinds must match. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === typeof b) return a === b;
    // biome-ignore lint/suspicious/noDoubleEquals: loose equality compares bigint with number exactly.
    return a == b;
  }
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== "object") return a === b;
  if (isTemporal(a) || isTemporal(b))
    return a.constructor === b.constructor && (a as TimeValue).ms === (b as TimeValue).ms;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i] as Value));
  }
  if (Array.isArray(b) || !isMap(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valuesEqual(a[k] as Value, b[k] as Value));
}

/**
 * Turns what a metric provider returned into a runtime value: JSON numbers are float64 (as Go decodes them),
 * `undefined` is nil, functions and symbols are refused rather than let through.
 */
export function toValue(input: unknown, depth = 0): Value {
  if (input === null || input === undefined) return null;
  if (depth > 64) throw new RangeError("result nests deeper than 64 levels");
  switch (typeof input) {
    case "boolean":
    case "number":
    case "string":
      return input;
    case "bigint":
      return wrapInt(input);
    case "object": {
      if (Array.isArray(input)) return input.map((x) => toValue(x, depth + 1));
      if (input instanceof Date) return input.toISOString();
      // A prototype-less object, so a key named "__proto__" or "constructor" is just data.
      const out = Object.create(null) as { [key: string]: Value };
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) out[k] = toValue(v, depth + 1);
      return out;
    }
    default:
      throw new TypeError(`unsupported result value of type ${typeof input}`);
  }
}
