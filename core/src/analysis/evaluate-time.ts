import { ENVIRONMENT_FUNCTIONS } from "./expr/builtins.ts";
import { LruCache } from "./expr/compiled-cache.ts";
import { type CompiledExpression, compileTree, type Environment } from "./expr/compiler.ts";
import { ExpressionError } from "./expr/expression-error.ts";
import { DEFAULT_EXPRESSION_LIMITS } from "./expr/limits.ts";
import { parse } from "./expr/parser.ts";
import { goTypeName, TimeValue, type Value } from "./expr/value.ts";

/** Argo's `EvalTime` environment: no `result`, only isNaN and isInf besides the built-ins (now, date, duration). */
const TIME_ENVIRONMENT: Environment = {
  values: new Set(),
  functions: { isNaN: ENVIRONMENT_FUNCTIONS.isNaN!, isInf: ENVIRONMENT_FUNCTIONS.isInf! },
};

const cache = new LruCache<string, CompiledExpression | ExpressionError>(256);

function compile(expression: string): CompiledExpression {
  const hit = cache.get(expression);
  if (hit instanceof ExpressionError) throw hit;
  if (hit !== undefined) return hit;
  try {
    const compiled = compileTree(parse(expression), TIME_ENVIRONMENT);
    cache.set(expression, compiled);
    return compiled;
  } catch (e) {
    const error =
      e instanceof ExpressionError
        ? e
        : new ExpressionError(e instanceof RangeError ? "EXPR_LIMIT" : "EXPR_SYNTAX", String(e));
    cache.set(expression, error);
    throw error;
  }
}

/**
 * Evaluates a time expression such as Prometheus `rangeQuery.start: "now() - duration('1h')"` (Argo's
 * `EvalTime`), with `now()` fixed to `now`. Throws {@link ExpressionError}, also when the value is not a time.
 */
export function evaluateTime(expression: string, now: Date = new Date()): Date {
  if (typeof expression !== "string") {
    throw new ExpressionError("EXPR_SYNTAX", `expression must be a string, got ${typeof expression}`);
  }
  const compiled = compile(expression);
  let value: Value;
  try {
    value = compiled.evaluate({
      steps: 0,
      limits: DEFAULT_EXPRESSION_LIMITS,
      result: null,
      resultIsNil: true,
      scopes: [],
      vars: new Array<Value>(compiled.slots).fill(null),
      now: now.getTime(),
    });
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(e instanceof RangeError ? "EXPR_LIMIT" : "EXPR_RUNTIME", String(e));
  }
  if (!(value instanceof TimeValue)) {
    throw new ExpressionError("EXPR_NOT_BOOL", `expected time.Time, but got ${goTypeName(value)}`);
  }
  return new Date(value.ms);
}
