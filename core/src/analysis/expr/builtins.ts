import { parseGoDuration } from "../go-duration.ts";
import { ExpressionError } from "./expression-error.ts";
import { charge, checkSize, compare, type Frame, runtimeError, typeError } from "./runtime.ts";
import {
  DurationValue,
  formatValue,
  goTypeName,
  INT64_MAX,
  INT64_MIN,
  isMap,
  isNumber,
  isTemporal,
  TimeValue,
  type Value,
  valuesEqual,
} from "./value.ts";

/** A function whose arguments are all evaluated before the call. */
export interface Builtin {
  minArgs: number;
  maxArgs: number;
  call(args: Value[], f: Frame): Value;
}

function arity(name: string, got: number, min: number, max: number): void {
  if (got < min) throw typeError(`not enough arguments to call ${name}`);
  if (got > max) throw typeError(`too many arguments to call ${name}`);
}

function invalid(name: string, v: Value): ExpressionError {
  return typeError(`invalid argument for ${name} (type ${goTypeName(v)})`);
}

function numberOf(name: string, v: Value): number | bigint {
  if (!isNumber(v)) throw invalid(name, v);
  return v;
}

function stringOf(name: string, v: Value): string {
  if (typeof v !== "string") throw invalid(name, v);
  return v;
}

function arrayOf(name: string, v: Value): Value[] {
  if (!Array.isArray(v)) throw invalid(name, v);
  return v;
}

/** Go's len(string) counts UTF-8 bytes. */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Go's int64(float64) truncates; out-of-range values become MinInt64 on amd64. */
function floatToInt(f: number): bigint {
  if (!Number.isFinite(f)) return INT64_MIN;
  const t = BigInt(Math.trunc(f));
  return t < INT64_MIN || t > INT64_MAX ? INT64_MIN : t;
}

const GO_INT = /^[+-]?[0-9]+$/;
const GO_FLOAT = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9]*(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

function parseGoInt(fn: string, s: string): bigint {
  if (!GO_INT.test(s)) throw runtimeError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v < INT64_MIN || v > INT64_MAX) {
    throw runtimeError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  }
  void fn;
  return v;
}

function parseGoFloat(s: string): number {
  const quoted = JSON.stringify(s);
  if (s === "" || !GO_FLOAT.test(s) || /^[+-]?\.?$/.test(s) || s.includes("_")) {
    throw runtimeError(`strconv.ParseFloat: parsing ${quoted}: invalid syntax`);
  }
  const lower = s.toLowerCase().replace(/^\+/, "");
  if (lower === "nan") return Number.NaN;
  if (lower === "inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  const v = Number(s);
  if (!Number.isFinite(v)) throw runtimeError(`strconv.ParseFloat: parsing ${quoted}: value out of range`);
  return v;
}

function notSupported(fn: string, v: Value): ExpressionError {
  return runtimeError(`${fn}() not supported on ${goTypeName(v)} ${formatValue(v)}`);
}

function extreme(name: string, args: Value[], pickLess: boolean): Value {
  const items = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (items.length === 0) throw typeError(`not enough arguments to call ${name}`);
  let best: Value = null;
  for (const item of items) {
    numberOf(name, item);
    if (best === null || compare(pickLess ? "<" : ">", item, best)) best = item;
  }
  return best;
}

function sumOf(name: string, items: Value[]): Value {
  let isInt = true;
  let intSum = 0n;
  let floatSum = 0;
  for (const item of items) {
    const v = numberOf(name, item);
    if (typeof v === "bigint") intSum = BigInt.asIntN(64, intSum + v);
    else {
      isInt = false;
      floatSum += v;
    }
  }
  return isInt ? intSum : floatSum + Number(intSum);
}

function typeName(v: Value): string {
  if (v === null) return "nil";
  if (isTemporal(v)) return goTypeName(v);
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
    default:
      return Array.isArray(v) ? "array" : "map";
  }
}

// RFC 3339 (with or without fraction), a bare date, or a date and time without zone (read as UTC).
const DATE_FORMS = [
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^\d{4}-\d{2}-\d{2}$/,
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$/,
];

function parseDate(text: string): TimeValue {
  const form = DATE_FORMS.findIndex((re) => re.test(text));
  if (form < 0) throw runtimeError(`parsing time ${JSON.stringify(text)}: unsupported date format`);
  const iso = form === 0 ? text : form === 1 ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw runtimeError(`parsing time ${JSON.stringify(text)}: day or month out of range`);
  return new TimeValue(ms);
}

function fixed(min: number, max: number, call: (args: Value[], f: Frame) => Value): Builtin {
  return { minArgs: min, maxArgs: max, call };
}

/**
 * expr-lang built-ins that take plain arguments (predicate built-ins such as `all` and `filter` are compiled
 * with their closures). Names missing here are unknown names, as in expr-lang.
 */
export const BUILTINS: Record<string, Builtin> = {
  now: fixed(0, 0, (_args, f) => new TimeValue(f.now)),
  duration: fixed(1, 1, ([v]) => {
    try {
      return new DurationValue(parseGoDuration(stringOf("duration", v as Value)));
    } catch (e) {
      if (e instanceof ExpressionError) throw e;
      throw runtimeError((e as Error).message);
    }
  }),
  date: fixed(1, 1, ([v]) => (v instanceof TimeValue ? v : parseDate(stringOf("date", v as Value)))),
  len: fixed(1, 1, ([v]) => {
    if (typeof v === "string") return BigInt(utf8Length(v));
    if (Array.isArray(v)) return BigInt(v.length);
    if (isMap(v as Value)) return BigInt(Object.keys(v as object).length);
    throw invalid("len", v as Value);
  }),
  abs: fixed(1, 1, ([v]) => {
    const n = numberOf("abs", v as Value);
    return typeof n === "bigint" ? (n < 0n ? BigInt.asIntN(64, -n) : n) : Math.abs(n);
  }),
  max: fixed(1, Number.POSITIVE_INFINITY, (args) => extreme("max", args, false)),
  min: fixed(1, Number.POSITIVE_INFINITY, (args) => extreme("min", args, true)),
  ceil: fixed(1, 1, ([v]) => Math.ceil(Number(numberOf("ceil", v as Value)))),
  floor: fixed(1, 1, ([v]) => Math.floor(Number(numberOf("floor", v as Value)))),
  round: fixed(1, 1, ([v]) => {
    const n = Number(numberOf("round", v as Value));
    // Go's math.Round rounds half away from zero.
    return Math.sign(n) * Math.round(Math.abs(n));
  }),
  int: fixed(1, 1, ([v]) => {
    if (typeof v === "bigint") return v;
    if (typeof v === "number") return floatToInt(v);
    if (typeof v === "string") return parseGoInt("int", v);
    throw invalid("int", v as Value);
  }),
  float: fixed(1, 1, ([v]) => {
    if (isNumber(v as Value)) return Number(v);
    if (typeof v === "string") return parseGoFloat(v);
    throw invalid("float", v as Value);
  }),
  string: fixed(1, 1, ([v], f) => {
    const s = formatValue(v as Value);
    checkSize(f, s.length);
    return s;
  }),
  type: fixed(1, 1, ([v]) => typeName(v as Value)),
  upper: fixed(1, 1, ([v]) => stringOf("upper", v as Value).toUpperCase()),
  lower: fixed(1, 1, ([v]) => stringOf("lower", v as Value).toLowerCase()),
  trim: fixed(1, 1, ([v]) => stringOf("trim", v as Value).trim()),
  trimPrefix: fixed(2, 2, ([s, p]) => {
    const str = stringOf("trimPrefix", s as Value);
    const prefix = stringOf("trimPrefix", p as Value);
    return str.startsWith(prefix) ? str.slice(prefix.length) : str;
  }),
  trimSuffix: fixed(2, 2, ([s, p]) => {
    const str = stringOf("trimSuffix", s as Value);
    const suffix = stringOf("trimSuffix", p as Value);
    return suffix !== "" && str.endsWith(suffix) ? str.slice(0, str.length - suffix.length) : str;
  }),
  hasPrefix: fixed(2, 2, ([s, p]) => stringOf("hasPrefix", s as Value).startsWith(stringOf("hasPrefix", p as Value))),
  hasSuffix: fixed(2, 2, ([s, p]) => stringOf("hasSuffix", s as Value).endsWith(stringOf("hasSuffix", p as Value))),
  indexOf: fixed(2, 2, ([s, p]) => BigInt(stringOf("indexOf", s as Value).indexOf(stringOf("indexOf", p as Value)))),
  split: fixed(2, 2, ([s, sep], f) => {
    const parts = stringOf("split", s as Value).split(stringOf("split", sep as Value));
    checkSize(f, parts.length);
    return parts;
  }),
  join: fixed(1, 2, ([a, sep], f) => {
    const items = arrayOf("join", a as Value);
    const glue = sep === undefined ? "" : stringOf("join", sep);
    const s = items.map((x) => stringOf("join", x)).join(glue);
    checkSize(f, s.length);
    return s;
  }),
  first: fixed(1, 1, ([a]) => {
    const items = arrayOf("first", a as Value);
    return items.length > 0 ? (items[0] as Value) : null;
  }),
  last: fixed(1, 1, ([a]) => {
    const items = arrayOf("last", a as Value);
    return items.length > 0 ? (items[items.length - 1] as Value) : null;
  }),
  keys: fixed(1, 1, ([m]) => {
    if (!isMap(m as Value)) throw invalid("keys", m as Value);
    return Object.keys(m as object);
  }),
  values: fixed(1, 1, ([m]) => {
    if (!isMap(m as Value)) throw invalid("values", m as Value);
    return Object.values(m as object) as Value[];
  }),
  sum: fixed(1, 1, ([a], f) => {
    const items = arrayOf("sum", a as Value);
    charge(f, items.length);
    return sumOf("sum", items);
  }),
  mean: fixed(1, 1, ([a], f) => {
    const items = arrayOf("mean", a as Value);
    charge(f, items.length);
    if (items.length === 0) return 0;
    return Number(sumOf("mean", items)) / items.length;
  }),
  median: fixed(1, 1, ([a], f) => {
    const items = arrayOf("median", a as Value).map((x) => Number(numberOf("median", x)));
    checkSize(f, items.length);
    if (items.length === 0) return 0;
    items.sort((x, y) => x - y);
    const mid = Math.floor(items.length / 2);
    return items.length % 2 === 1 ? (items[mid] as number) : ((items[mid - 1] as number) + (items[mid] as number)) / 2;
  }),
  sort: fixed(1, 2, ([a, order], f) => {
    const items = [...arrayOf("sort", a as Value)];
    checkSize(f, items.length);
    const desc = order === "desc";
    if (order !== undefined && order !== "asc" && order !== "desc") throw invalid("sort", order);
    items.sort((x, y) => (valuesEqual(x, y) ? 0 : compare("<", x, y) ? -1 : 1));
    return desc ? items.reverse() : items;
  }),
  reverse: fixed(1, 1, ([a], f) => {
    const items = arrayOf("reverse", a as Value);
    checkSize(f, items.length);
    return [...items].reverse();
  }),
  uniq: fixed(1, 1, ([a], f) => {
    const items = arrayOf("uniq", a as Value);
    checkSize(f, items.length * items.length);
    const out: Value[] = [];
    for (const x of items) if (!out.some((y) => valuesEqual(x, y))) out.push(x);
    return out;
  }),
  concat: fixed(1, Number.POSITIVE_INFINITY, (args, f) => {
    const out: Value[] = [];
    for (const a of args) out.push(...arrayOf("concat", a));
    checkSize(f, out.length);
    return out;
  }),
  take: fixed(2, 2, ([a, n]) => {
    const items = arrayOf("take", a as Value);
    const count = numberOf("take", n as Value);
    return items.slice(0, Math.max(0, Number(count)));
  }),
  get: fixed(2, 2, ([o, k]) => {
    if (Array.isArray(o)) {
      if (!isNumber(k as Value)) return null;
      let i = Number(k);
      if (i < 0) i += o.length;
      return i >= 0 && i < o.length ? (o[i] as Value) : null;
    }
    if (isMap(o as Value) && typeof k === "string") return Object.hasOwn(o as object, k) ? (o as never)[k] : null;
    return null;
  }),
};

/**
 * Argo's environment (`utils/evaluate`): `asInt`, `asFloat`, `isNaN`, `isInf`, and `isNil`/`default`, which
 * look at the metric's raw result whatever argument they are given, exactly as Argo's closures do.
 */
export const ENVIRONMENT_FUNCTIONS: Record<string, Builtin> = {
  asInt: fixed(1, 1, ([v]) => {
    if (typeof v === "bigint") return v;
    if (typeof v === "number") return floatToInt(v);
    if (typeof v === "string") return parseGoInt("asInt", v);
    throw notSupported("asInt", v as Value);
  }),
  asFloat: fixed(1, 1, ([v]) => {
    if (isNumber(v as Value)) return Number(v);
    if (typeof v === "string") return parseGoFloat(v);
    throw notSupported("asFloat", v as Value);
  }),
  isNaN: fixed(1, 1, ([v]) => {
    if (!isNumber(v as Value)) {
      throw typeError(`cannot use ${goTypeName(v as Value)} as argument (type float64) to call isNaN`);
    }
    return Number.isNaN(Number(v));
  }),
  isInf: fixed(1, 1, ([v]) => {
    if (!isNumber(v as Value)) {
      throw typeError(`cannot use ${goTypeName(v as Value)} as argument (type float64) to call isInf`);
    }
    const n = Number(v);
    return n === Number.POSITIVE_INFINITY || n === Number.NEGATIVE_INFINITY;
  }),
  isNil: fixed(1, 1, (_args, f) => f.resultIsNil),
  default: fixed(2, 2, ([, fallback], f) => (f.resultIsNil ? (fallback as Value) : f.result)),
};

export { arity };
