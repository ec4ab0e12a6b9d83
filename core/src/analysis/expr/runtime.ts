import { compileGoRegexp } from "../go-regexp.ts";
import { ExpressionError } from "./expression-error.ts";
import type { ExpressionLimits } from "./limits.ts";
import {
  DurationValue,
  formatFloat,
  goTypeName,
  isMap,
  isNumber,
  TimeValue,
  type Value,
  valuesEqual,
  wrapInt,
} from "./value.ts";

/** State of one evaluation: the budget spent so far and the predicate scopes (`#`, `#index`, `#acc`). */
export interface Frame {
  steps: number;
  readonly limits: ExpressionLimits;
  readonly result: Value;
  /** Whether the metric provider returned nil (Argo's `isNil`/`default` look at the raw result). */
  readonly resultIsNil: boolean;
  readonly scopes: Array<{ item: Value; index: number; acc: Value }>;
  readonly vars: Value[];
  /** What `now()` returns during this evaluation (epoch ms), fixed once so an expression sees one instant. */
  readonly now: number;
}

export function charge(f: Frame, n: number): void {
  f.steps += n;
  if (f.steps > f.limits.maxSteps) {
    throw new ExpressionError("EXPR_LIMIT", `evaluation exceeded ${f.limits.maxSteps} steps`);
  }
}

export function checkSize(f: Frame, size: number): void {
  if (size > f.limits.maxCollectionSize) {
    throw new ExpressionError("EXPR_LIMIT", `memory budget exceeded: ${size} > ${f.limits.maxCollectionSize}`);
  }
  charge(f, size);
}

export function runtimeError(message: string): ExpressionError {
  return new ExpressionError("EXPR_RUNTIME", message);
}

export function typeError(message: string): ExpressionError {
  return new ExpressionError("EXPR_TYPE", message);
}

export function asBool(v: Value): boolean {
  if (typeof v !== "boolean") throw typeError(`interface conversion: interface {} is ${goTypeName(v)}, not bool`);
  return v;
}

function mismatch(op: string, a: Value, b: Value): ExpressionError {
  return typeError(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
}

function toFloat(v: number | bigint): number {
  return typeof v === "bigint" ? Number(v) : v;
}

export function compare(op: string, a: Value, b: Value): boolean {
  let x: number | string;
  let y: number | string;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") {
      x = a === b ? 0 : a < b ? -1 : 1;
      y = 0;
    } else {
      x = toFloat(a);
      y = toFloat(b);
    }
  } else if (typeof a === "string" && typeof b === "string") {
    x = a;
    y = b;
  } else if (
    (a instanceof TimeValue && b instanceof TimeValue) ||
    (a instanceof DurationValue && b instanceof DurationValue)
  ) {
    x = a.ms;
    y = b.ms;
  } else {
    throw mismatch(op, a, b);
  }
  switch (op) {
    case "<":
      return x < y;
    case ">":
      return x > y;
    case "<=":
      return x <= y;
    default:
      return x >= y;
  }
}

export function arithmetic(f: Frame, op: string, a: Value, b: Value): Value {
  if (op === "+" && typeof a === "string" && typeof b === "string") {
    checkSize(f, a.length + b.length);
    return a + b;
  }
  if (op === "+" && Array.isArray(a) && Array.isArray(b)) {
    checkSize(f, a.length + b.length);
    return [...a, ...b];
  }
  if (a instanceof TimeValue || a instanceof DurationValue || b instanceof TimeValue || b instanceof DurationValue) {
    return temporal(op, a, b);
  }
  if (!isNumber(a) || !isNumber(b)) throw mismatch(op, a, b);
  if (typeof a === "bigint" && typeof b === "bigint") {
    switch (op) {
      case "+":
        return wrapInt(a + b);
      case "-":
        return wrapInt(a - b);
      case "*":
        return wrapInt(a * b);
      case "%":
        if (b === 0n) throw runtimeError("integer divide by zero");
        return wrapInt(a % b);
    }
  }
  if (op === "%") throw mismatch(op, a, b);
  const x = toFloat(a);
  const y = toFloat(b);
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return x / y;
    default:
      return x ** y;
  }
}

/** Time arithmetic as Go defines it: time ± duration, time − time, duration ± duration, duration × number. */
function temporal(op: string, a: Value, b: Value): Value {
  if (op === "+") {
    if (a instanceof TimeValue && b instanceof DurationValue) return new TimeValue(a.ms + b.ms);
    if (a instanceof DurationValue && b instanceof TimeValue) return new TimeValue(b.ms + a.ms);
    if (a instanceof DurationValue && b instanceof DurationValue) return new DurationValue(a.ms + b.ms);
  }
  if (op === "-") {
    if (a instanceof TimeValue && b instanceof DurationValue) return new TimeValue(a.ms - b.ms);
    if (a instanceof TimeValue && b instanceof TimeValue) return new DurationValue(a.ms - b.ms);
    if (a instanceof DurationValue && b instanceof DurationValue) return new DurationValue(a.ms - b.ms);
  }
  if (op === "*") {
    if (a instanceof DurationValue && isNumber(b)) return new DurationValue(a.ms * Number(b));
    if (isNumber(a) && b instanceof DurationValue) return new DurationValue(Number(a) * b.ms);
  }
  throw mismatch(op, a, b);
}

export function negate(v: Value): Value {
  if (typeof v === "bigint") return wrapInt(-v);
  if (typeof v === "number") return -v;
  if (v instanceof DurationValue) return new DurationValue(-v.ms);
  throw typeError(`invalid operation: - ${goTypeName(v)}`);
}

export function contains(op: string, container: Value, item: Value, f: Frame): boolean {
  if (op === "in") {
    if (container === null) return false;
    if (Array.isArray(container)) {
      charge(f, container.length);
      return container.some((x) => valuesEqual(x, item));
    }
    if (isMap(container)) {
      if (typeof item !== "string") return false;
      return Object.hasOwn(container, item);
    }
    throw typeError(`operator "in" not defined on ${goTypeName(container)}`);
  }
  // contains / startsWith / endsWith / matches work on strings; `container` is the left operand here.
  if (typeof container !== "string" || typeof item !== "string") throw mismatch(op, container, item);
  switch (op) {
    case "contains":
      return container.includes(item);
    case "startsWith":
      return container.startsWith(item);
    case "endsWith":
      return container.endsWith(item);
    default:
      return matches(container, item, f);
  }
}

const regexpCache = new Map<string, RegExp>();

function matches(subject: string, pattern: string, f: Frame): boolean {
  checkSize(f, subject.length);
  let re = regexpCache.get(pattern);
  if (re === undefined) {
    try {
      re = compileGoRegexp(pattern);
    } catch (e) {
      throw runtimeError((e as Error).message);
    }
    if (regexpCache.size >= 256) regexpCache.clear();
    regexpCache.set(pattern, re);
  }
  return re.test(subject);
}

/** `object[property]` / `object.property` with expr-lang's rules (negative indexes count from the end). */
export function fetch(object: Value, property: Value): Value {
  if (Array.isArray(object) || typeof object === "string") {
    // expr-lang's ToInt: floats are truncated, anything else is refused.
    if (!isNumber(property)) throw typeError(`invalid operation: int(${goTypeName(property)})`);
    const length = object.length;
    let i = typeof property === "number" ? Math.trunc(property) : Number(property);
    if (i < 0) i += length;
    if (!(i >= 0 && i < length)) throw runtimeError(`index out of range: ${i} (array length is ${length})`);
    return object[i] as Value;
  }
  if (isMap(object)) {
    if (typeof property !== "string") {
      throw typeError(`cannot use ${goTypeName(property)} as map key`);
    }
    return Object.hasOwn(object, property) ? (object[property] as Value) : null;
  }
  throw runtimeError(`cannot fetch ${formatProperty(property)} from ${goTypeName(object)}`);
}

function formatProperty(p: Value): string {
  return typeof p === "number" ? formatFloat(p) : String(p);
}

export function slice(f: Frame, object: Value, from: Value, to: Value): Value {
  if (!Array.isArray(object) && typeof object !== "string") {
    throw typeError(`cannot slice ${goTypeName(object)}`);
  }
  const bound = (v: Value, fallback: number): number => {
    if (v === null) return fallback;
    if (!isNumber(v)) throw typeError(`invalid operation: cannot use ${goTypeName(v)} as slice index`);
    let i = Math.trunc(Number(v));
    if (i < 0) i += object.length;
    return Math.min(Math.max(i, 0), object.length);
  };
  const start = bound(from, 0);
  const end = bound(to, object.length);
  if (end < start) return Array.isArray(object) ? [] : "";
  checkSize(f, end - start);
  return object.slice(start, end);
}

export function range(f: Frame, from: Value, to: Value): Value[] {
  if (typeof from !== "bigint" || typeof to !== "bigint") throw mismatch("..", from, to);
  if (to < from) return [];
  const size = to - from + 1n;
  checkSize(f, size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size));
  const out: Value[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
