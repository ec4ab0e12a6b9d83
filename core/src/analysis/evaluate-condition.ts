import { ENVIRONMENT_FUNCTIONS } from "./expr/builtins.ts";
import { LruCache } from "./expr/compiled-cache.ts";
import { type CompiledExpression, compileTree, type Environment } from "./expr/compiler.ts";
import { ExpressionError } from "./expr/expression-error.ts";
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from "./expr/limits.ts";
import { parse } from "./expr/parser.ts";
import type { Frame } from "./expr/runtime.ts";
import { goTypeName, toValue, type Value } from "./expr/value.ts";

/** A condition compiled once and evaluated against many results. */
export interface CompiledCondition {
  readonly source: string;
  /** Evaluates against a metric result; throws {@link ExpressionError} unless the value is a boolean. */
  evaluate(result: unknown): boolean;
}

/** Argo's condition environment: `result` plus asInt, asFloat, isNaN, isInf, isNil, default. */
const CONDITION_ENVIRONMENT: Environment = { values: new Set(["result"]), functions: ENVIRONMENT_FUNCTIONS };

const CACHE_CAPACITY = 1024;
// Failures are cached too, so a broken template is not re-parsed on every measurement.
const cache = new LruCache<string, CompiledCondition | ExpressionError>(CACHE_CAPACITY);

function run(compiled: CompiledExpression, limits: ExpressionLimits, result: unknown): Value {
  let value: Value;
  try {
    value = toValue(result);
  } catch (e) {
    throw new ExpressionError("EXPR_TYPE", (e as Error).message);
  }
  const frame: Frame = {
    steps: 0,
    limits,
    result: value,
    resultIsNil: result === null || result === undefined,
    scopes: [],
    vars: new Array<Value>(compiled.slots).fill(null),
    now: Date.now(),
  };
  try {
    return compiled.evaluate(frame);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    // A stack overflow or an engine limit is still the expression's fault, reported in the typed error.
    if (e instanceof RangeError) throw new ExpressionError("EXPR_LIMIT", e.message);
    throw new ExpressionError("EXPR_RUNTIME", e instanceof Error ? e.message : String(e));
  }
}

function build(source: string, limits: ExpressionLimits): CompiledCondition {
  let compiled: CompiledExpression;
  try {
    compiled = compileTree(parse(source, limits), CONDITION_ENVIRONMENT);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    if (e instanceof RangeError) throw new ExpressionError("EXPR_LIMIT", e.message);
    throw new ExpressionError("EXPR_SYNTAX", e instanceof Error ? e.message : String(e));
  }
  return {
    source,
    evaluate(result: unknown): boolean {
      const value = run(compiled, limits, result);
      if (typeof value !== "boolean") {
        throw new ExpressionError("EXPR_NOT_BOOL", `expected bool, but got ${goTypeName(value)}`);
      }
      return value;
    },
  };
}

/**
 * Compiles an expr-lang condition (cached in a bounded LRU by source text when the default limits apply).
 * Throws {@link ExpressionError} for syntax errors, unknown names and statically known type errors.
 */
export function compileCondition(expression: string, limits?: ExpressionLimits): CompiledCondition {
  if (typeof expression !== "string") {
    throw new ExpressionError("EXPR_SYNTAX", `expression must be a string, got ${typeof expression}`);
  }
  if (limits !== undefined && limits !== DEFAULT_EXPRESSION_LIMITS) return build(expression, limits);
  const hit = cache.get(expression);
  if (hit instanceof ExpressionError) throw hit;
  if (hit !== undefined) return hit;
  try {
    const compiled = build(expression, DEFAULT_EXPRESSION_LIMITS);
    cache.set(expression, compiled);
    return compiled;
  } catch (e) {
    cache.set(expression, e as ExpressionError);
    throw e;
  }
}

/**
 * Evaluates an Argo Rollouts condition (`successCondition`/`failureCondition`) against a metric result, in the
 * environment Argo gives it: `result`, `asInt`, `asFloat`, `isNaN`, `isInf`, `isNil`, `default`.
 * Throws {@link ExpressionError} (with a `code`) for every failure, including a non-boolean value.
 */
export function evaluateCondition(expression: string, result: unknown): boolean {
  return compileCondition(expression).evaluate(result);
}

/** How many compiled conditions the process-wide cache holds (for tests and metrics). */
export function conditionCacheSize(): number {
  return cache.size;
}
