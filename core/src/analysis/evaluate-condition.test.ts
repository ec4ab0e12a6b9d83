import { describe, expect, it } from "vitest";
import { compileCondition, conditionCacheSize, evaluateCondition } from "./evaluate-condition.ts";
import { ExpressionError, type ExpressionErrorCode } from "./expr/expression-error.ts";

function failure(expression: string, result: unknown): ExpressionError {
  try {
    evaluateCondition(expression, result);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected ${expression} to fail`);
}

function expectError(expression: string, result: unknown, code: ExpressionErrorCode, message: string | RegExp) {
  const e = failure(expression, result);
  expect(e.code).toBe(code);
  if (typeof message === "string") expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}

describe("evaluateCondition: the shapes Argo templates use", () => {
  it.each([
    ["result[0] >= 0.95", [0.97], true],
    ["result[0] >= 0.95", [0.5], false],
    ["result >= 0.95", 0.95, true],
    ["result < 0.05", 0.1, false],
    ["len(result) == 0 || result[0] < 100", [], true],
    ["result.successRate > 0.9", { successRate: 0.95 }, true],
    ["result['successRate'] > 0.9", { successRate: 0.5 }, false],
    ["result.data.values[1] == 3", { data: { values: [1, 3] } }, true],
    ["result == 'ok'", "ok", true],
    ["result == true", true, true],
    ["isNaN(result) || result > 1", Number.NaN, true],
    ["isInf(result)", Number.NEGATIVE_INFINITY, true],
    ["isInf(result)", 3, false],
    ["asInt(result) == 5", "5", true],
    ["asInt(result) == -12", "-12", true],
    ["asInt(result) == 3", 3.9, true],
    ["asFloat(result) == 1.25", "1.25", true],
    ["asFloat(result) > 1000", "1e4", true],
    ["isInf(asFloat(result))", "+Inf", true],
    ["isNaN(asFloat(result))", "NaN", true],
    ["default(result, 0) < 0.05", null, true],
    ["default(result, 0) < 0.05", 0.5, false],
    ["isNil(result)", null, true],
    ["isNil(result)", undefined, true],
    ["isNil(result)", [], false],
  ])("%s with %j is %s", (expression, result, expected) => {
    expect(evaluateCondition(expression, result)).toBe(expected);
  });
});

describe("evaluateCondition: operators", () => {
  it.each([
    ["true && false", false],
    ["true and true", true],
    ["false || true", true],
    ["false or false", false],
    ["!false", true],
    ["not true", false],
    ["not (1 > 2)", true],
    ["1 + 2 * 3 == 7", true],
    ["(1 + 2) * 3 == 9", true],
    ["10 - 2 - 3 == 5", true],
    ["2 ** 3 ** 2 == 512", true],
    ["2 ^ 10 == 1024", true],
    ["-2 ** 2 == -4", true],
    ["7 % 3 == 1", true],
    ["1 / 2 == 0.5", true],
    ["7 / 2 == 3.5", true],
    ["1 == 1.0", true],
    ["1 != 2", true],
    ["'a' < 'b'", true],
    ["'abc' + 'def' == 'abcdef'", true],
    ["2 in [1, 2, 3]", true],
    ["4 not in [1, 2, 3]", true],
    ["'k' in {k: 1}", true],
    ["'x' in {k: 1}", false],
    ["'hello' contains 'ell'", true],
    ["'hello' startsWith 'he'", true],
    ["'hello' endsWith 'lo'", true],
    ["'hello' not contains 'z'", true],
    ["'v1.2.3' matches '^v[0-9]+\\\\.'", true],
    ["1 < 2 ? true : false", true],
    ["1 > 2 ? true : 3 > 2", true],
    ["nil ?? true", true],
    ["[1, 2] == [1, 2]", true],
    ["{a: 1} == {a: 1}", true],
    ["[1, 2, 3][-1] == 3", true],
    ["[1, 2, 3][1.7] == 2", true],
    ["1 in nil == false", true],
    ["[1, 2, 3, 4][1:3] == [2, 3]", true],
    ["'hello'[1:3] == 'el'", true],
    ["1..4 == [1, 2, 3, 4]", true],
    ["0x1F == 31 && 0o17 == 15 && 0b101 == 5 && 1_000 == 1000", true],
    ["1e3 == 1000 && .5 == 0.5", true],
    ["\"a\\tb\" == 'a\tb'", true],
    ["`raw\\n` == 'raw\\\\n'", true],
    ["let x = 2; let y = x * 3; y == 6", true],
    ["[1, 2, 3] | filter(# > 1) | len() == 2", true],
    ["({a: nil}).a?.b == nil", true],
  ])("%s is %s", (expression, expected) => {
    expect(evaluateCondition(expression, null)).toBe(expected);
  });

  it("short-circuits && and || so a guarded index never runs", () => {
    expect(evaluateCondition("len(result) > 0 && result[0] > 1", [])).toBe(false);
    expect(evaluateCondition("len(result) == 0 || result[0] > 1", [])).toBe(true);
  });

  it("wraps integer arithmetic to 64 bits like Go", () => {
    expect(evaluateCondition("9223372036854775807 + 1 == -9223372036854775807 - 1", null)).toBe(true);
  });
});

describe("evaluateCondition: built-ins", () => {
  const data = [1, 5, 10, 20];
  it.each([
    ["all(result, {# > 0})", true],
    ["all(result, # > 1)", false],
    ["any(result, # >= 20)", true],
    ["none(result, # > 100)", true],
    ["one(result, # == 5)", true],
    ["one(result, # > 4)", false],
    ["len(filter(result, # > 4)) == 3", true],
    ["map(result, # * 2)[3] == 40", true],
    ["count(result, # > 4) == 3", true],
    ["count([true, false, true]) == 2", true],
    ["sum(result) == 36", true],
    ["sum(result, # * 2) == 72", true],
    ["find(result, # > 4) == 5", true],
    ["findIndex(result, # > 4) == 1", true],
    ["findLast(result, # < 10) == 5", true],
    ["findLastIndex(result, # > 100) == -1", true],
    ["reduce(result, #acc + #) == 36", true],
    ["reduce(result, #acc + #, 100) == 136", true],
    ["all(map(result, #index), # < 4)", true],
    ["max(result) == 20 && min(result) == 1", true],
    ["max(3, 7, 5) == 7 && min(3, 7, 5) == 3", true],
    ["abs(-3) == 3 && abs(-2.5) == 2.5", true],
    ["ceil(1.2) == 2 && floor(1.8) == 1 && round(2.5) == 3", true],
    ["mean(result) == 9 && median(result) == 7.5", true],
    ["first(result) == 1 && last(result) == 20", true],
    ["len(result) == 4 && len('héllo') == 6 && len({a: 1}) == 1", true],
    ["int('42') == 42 && float('1.5') == 1.5 && string(12) == '12'", true],
    ["upper('a') == 'A' && lower('B') == 'b' && trim(' x ') == 'x'", true],
    ["split('a,b', ',') == ['a', 'b'] && join(['a', 'b'], '-') == 'a-b'", true],
    ["sort([3, 1, 2]) == [1, 2, 3] && reverse([1, 2]) == [2, 1] && uniq([1, 1, 2]) == [1, 2]", true],
    ["keys({a: 1}) == ['a'] && values({a: 1}) == [1]", true],
    ["type(1) == 'int' && type(1.5) == 'float' && type(nil) == 'nil' && type([]) == 'array'", true],
  ])("%s over [1, 5, 10, 20] is %s", (expression, expected) => {
    expect(evaluateCondition(expression, data)).toBe(expected);
  });

  it("gives predicates over maps their fields with the .field shorthand", () => {
    const rows = [
      { name: "a", rate: 0.99 },
      { name: "b", rate: 0.97 },
    ];
    expect(evaluateCondition("all(result, .rate > 0.95)", rows)).toBe(true);
    expect(evaluateCondition("any(result, {#.name == 'b' && #.rate < 0.98})", rows)).toBe(true);
  });

  it("makes isNil and default look at the raw result, whatever they are passed (as Argo does)", () => {
    expect(evaluateCondition("isNil(1)", null)).toBe(true);
    expect(evaluateCondition("default(99, 7) == 7", null)).toBe(true);
    expect(evaluateCondition("default(99, 7) == 3", 3)).toBe(true);
  });
});

describe("evaluateCondition: errors are typed, with expr-lang's wording", () => {
  it("refuses a non-boolean value", () => {
    expectError("result", 1.5, "EXPR_NOT_BOOL", "expected bool, but got float64");
    expectError("1 + 1", null, "EXPR_NOT_BOOL", "expected bool, but got int");
    expectError("'x'", null, "EXPR_NOT_BOOL", "expected bool, but got string");
    expectError("nil", null, "EXPR_NOT_BOOL", "expected bool, but got <nil>");
    expectError("result", [1], "EXPR_NOT_BOOL", "expected bool, but got []interface {}");
  });

  it("refuses unknown names", () => {
    expectError("invalidVariable > 1", null, "EXPR_UNKNOWN_NAME", "unknown name invalidVariable");
    expectError("foo(result)", null, "EXPR_UNKNOWN_NAME", "unknown name foo");
    expectError("results[0] > 1", [1], "EXPR_UNKNOWN_NAME", "unknown name results");
  });

  it("refuses comparing a number with a string, statically and at run time", () => {
    expectError("1 < 'a'", null, "EXPR_TYPE", "invalid operation: < (mismatched types int and string)");
    expectError("1 == 'a'", null, "EXPR_TYPE", "invalid operation: == (mismatched types int and string)");
    expectError("result < 'a'", 1, "EXPR_TYPE", "invalid operation: float64 < string");
    expectError("result > 0.5", "0.7", "EXPR_TYPE", "invalid operation: string > float64");
    expectError("result + 1 > 2", "1", "EXPR_TYPE", "invalid operation: string + int");
    expectError("1.5 % 2 == 1", null, "EXPR_TYPE", "invalid operation: % (mismatched types float64 and int)");
  });

  it("refuses non-boolean operands of logic operators", () => {
    expectError("1 && true", null, "EXPR_TYPE", "invalid operation: && (mismatched types int and bool)");
    expectError("result || true", 2, "EXPR_TYPE", "interface conversion: interface {} is float64, not bool");
    expectError("all(result, # * 2)", [1], "EXPR_TYPE", "interface conversion: interface {} is float64, not bool");
  });

  it("reports run-time failures", () => {
    expectError("result[0] > 1", [], "EXPR_RUNTIME", "index out of range: 0 (array length is 0)");
    expectError("result[3] > 1", [1, 2], "EXPR_RUNTIME", "index out of range: 3 (array length is 2)");
    expectError("result[-5] > 1", [1, 2], "EXPR_RUNTIME", "index out of range: -3 (array length is 2)");
    expectError("result['a'] > 1", [1, 2], "EXPR_TYPE", "invalid operation: int(string)");
    expectError("result.rate > 1", null, "EXPR_RUNTIME", "cannot fetch rate from <nil>");
    expectError("result[0] > 1", null, "EXPR_RUNTIME", "cannot fetch 0 from <nil>");
    expectError("asInt(result) > 1", "abc", "EXPR_RUNTIME", 'strconv.ParseInt: parsing "abc": invalid syntax');
    expectError("asInt(result) > 1", "1.5", "EXPR_RUNTIME", 'strconv.ParseInt: parsing "1.5": invalid syntax');
    expectError("asFloat(result) > 1", "x", "EXPR_RUNTIME", 'strconv.ParseFloat: parsing "x": invalid syntax');
    expectError("asInt(result) > 1", true, "EXPR_RUNTIME", "asInt() not supported on bool true");
    expectError("asFloat(result) > 1", null, "EXPR_RUNTIME", "asFloat() not supported on <nil> <nil>");
    expectError("1 % 0 == 0", null, "EXPR_RUNTIME", "integer divide by zero");
    expectError("reduce([], #acc) == 1", null, "EXPR_RUNTIME", "reduce of empty array with no initial value");
  });

  it("reports syntax errors", () => {
    expectError("result >", 1, "EXPR_SYNTAX", "unexpected end of expression");
    expectError("(result > 1", 1, "EXPR_SYNTAX", "unexpected end of expression");
    expectError("result > 1)", 1, "EXPR_SYNTAX", 'unexpected token Bracket(")")');
    expectError("'open", 1, "EXPR_SYNTAX", "literal not terminated");
    expectError("result @ 1", 1, "EXPR_SYNTAX", "unrecognized character: U+0040 '@'");
    expectError("# > 1", 1, "EXPR_SYNTAX", "cannot use pointer accessor outside predicate");
    expectError("", 1, "EXPR_SYNTAX", "unexpected end of expression");
  });

  it("checks argument counts", () => {
    expectError("len() > 0", null, "EXPR_TYPE", "not enough arguments to call len");
    expectError("len(1, 2) > 0", null, "EXPR_TYPE", "too many arguments to call len");
    expectError("all(result)", [1], "EXPR_TYPE", "not enough arguments to call all");
  });

  it("bounds evaluation: steps, sizes and nesting", () => {
    expectError("len(1..100000000) > 0", null, "EXPR_LIMIT", /memory budget exceeded/);
    expectError("all(1..50000, all(1..50000, # > 0))", null, "EXPR_LIMIT", /exceeded 100000 steps/);
    expectError(`${"(".repeat(500)}true${")".repeat(500)}`, null, "EXPR_LIMIT", /nested deeper than 64/);
    expectError(`result == '${"x".repeat(5000)}'`, null, "EXPR_LIMIT", /longer than 4096/);
    expectError("'ab' matches '(a+)+b'", null, "EXPR_RUNTIME", /nested repetition/);
  });

  it("refuses results that are not JSON-like", () => {
    expectError("isNil(result)", () => 1, "EXPR_TYPE", "unsupported result value of type function");
  });
});

describe("compileCondition", () => {
  it("compiles once and caches by source text", () => {
    const first = compileCondition("result > 41.5");
    expect(compileCondition("result > 41.5")).toBe(first);
    expect(first.evaluate(42)).toBe(true);
    expect(first.evaluate(41)).toBe(false);
    expect(conditionCacheSize()).toBeGreaterThan(0);
  });

  it("caches failures as well, throwing the same typed error", () => {
    const a = failure("oops >", 1);
    const b = failure("oops >", 1);
    expect(b).toBe(a);
  });

  it("keeps the cache bounded", () => {
    for (let i = 0; i < 1100; i++) compileCondition(`result > ${i}`);
    expect(conditionCacheSize()).toBeLessThanOrEqual(1024);
  });

  it("keeps map keys such as __proto__ as plain data", () => {
    const result = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}');
    expect(evaluateCondition("result.__proto__.polluted == true && result.constructor == 1", result)).toBe(true);
    expect(evaluateCondition("result.toString == nil", {})).toBe(true);
  });
});
