import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { evaluateCondition } from "./evaluate-condition.ts";
import { ExpressionError } from "./expr/expression-error.ts";

// Acceptance: 10,000 random expressions against random results never throw anything but the typed error,
// always finish (bounded evaluation) and never reach eval / Function.
const RUNS = 10_000;

const BINARY = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "^",
  "==",
  "!=",
  "<",
  ">",
  "<=",
  ">=",
  "&&",
  "||",
  "and",
  "or",
  "in",
  "not in",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "..",
  "??",
];
const FUNCTIONS = [
  "len",
  "abs",
  "max",
  "min",
  "asInt",
  "asFloat",
  "isNaN",
  "isInf",
  "isNil",
  "default",
  "int",
  "float",
  "string",
  "first",
  "last",
  "sum",
  "mean",
  "median",
  "sort",
  "reverse",
  "uniq",
  "keys",
  "values",
  "type",
  "upper",
  "split",
  "join",
  "ceil",
  "floor",
  "round",
  "concat",
  "take",
  "get",
  "now",
  "duration",
  "date",
  "unknownFn",
];
const PREDICATES = [
  "all",
  "any",
  "none",
  "one",
  "filter",
  "map",
  "count",
  "sum",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "reduce",
];

const atom = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => d.toString()),
  fc.constantFrom("0x1F", "0b101", "1_000", "1e3", ".5", "9223372036854775807", "100000000"),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom("'(a+)+'", "'^a.*'", "'['", "`raw`"),
  fc.constantFrom(
    "true",
    "false",
    "nil",
    "result",
    "result[0]",
    "result[-1]",
    "result.a",
    "result?.a",
    "undefinedName",
  ),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string; pred: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc.tuple(tie("expr"), fc.constantFrom(...BINARY), tie("expr")).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom("!", "not ", "-", "+"), tie("expr")).map(([op, a]) => `${op}${a}`),
    tie("expr").map((a) => `(${a})`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `${a}[${b}]`),
    fc
      .tuple(tie("expr"), fc.option(tie("expr")), fc.option(tie("expr")))
      .map(([a, b, c]) => `${a}[${b ?? ""}:${c ?? ""}]`),
    fc.array(tie("expr"), { maxLength: 4 }).map((xs) => `[${xs.join(", ")}]`),
    fc.tuple(fc.constantFrom("a", "b", "'k'"), tie("expr")).map(([k, v]) => `{${k}: ${v}}`),
    fc
      .tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie("expr"), { maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(", ")})`),
    fc
      .tuple(fc.constantFrom(...PREDICATES), tie("expr"), tie("pred"), fc.boolean())
      .map(([f, coll, p, braces]) => `${f}(${coll}, ${braces ? `{${p}}` : p})`),
    fc.tuple(tie("expr"), tie("expr")).map(([v, body]) => `let x = ${v}; ${body} || x == nil`),
    fc
      .tuple(tie("expr"), fc.constantFrom("len()", "filter(# > 0)", "map(# * 2)", "sum()"))
      .map(([a, f]) => `${a} | ${f}`),
  ),
  pred: fc.oneof(
    fc.constantFrom("# > 1", "# == nil", "#index < 2", "#acc + #", ".a", "# * #", "len(#) > 0"),
    tie("expr"),
  ),
}))["expr"];

/** Well-typed conditions over numeric results, so evaluation (not just type checking) is exercised. */
const typed = fc.letrec<{ num: string; bool: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -100, max: 100 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }).map((d) => `${Math.abs(d)}`),
    fc.constantFrom("result[0]", "result[1]", "result[-1]", "len(result)", "sum(result)", "max(result)", "min(result)"),
    fc.constantFrom("mean(result)", "count(result, # > 0)", "reduce(result, #acc + #, 0)", "default(result, [0])[0]"),
    fc
      .tuple(tie("num"), fc.constantFrom("+", "-", "*", "/", "**"), tie("num"))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie("bool"), tie("num"), tie("num")).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    tie("num").map((a) => `abs(${a})`),
    fc.tuple(tie("num"), tie("num")).map(([a, b]) => `max(${a}, ${b})`),
  ),
  bool: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("true", "false", "isNil(result)", "len(result) > 0"),
    fc
      .tuple(tie("num"), fc.constantFrom("<", ">", "<=", ">=", "==", "!="), tie("num"))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(tie("bool"), fc.constantFrom("&&", "||", "and", "or"), tie("bool"))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie("bool").map((a) => `!(${a})`),
    tie("num").map((a) => `isNaN(${a}) || isInf(${a})`),
    fc.tuple(fc.constantFrom("all", "any", "none", "one"), tie("num")).map(([f, n]) => `${f}(result, {# < ${n}})`),
    fc.tuple(tie("num"), tie("num")).map(([a, b]) => `${a} in [${b}, 1, 2.5]`),
    fc.tuple(tie("num")).map(([a]) => `len(filter(result, # > ${a})) >= 0`),
  ),
}))["bool"];
const numericResults = fc.oneof(
  fc.array(fc.double({ noNaN: false, min: -200, max: 200 }), { minLength: 1, maxLength: 6 }),
  fc.constantFrom(null, [], [Number.NaN], [Number.POSITIVE_INFINITY, 1]),
);

/** Token soup: fragments glued at random, to reach the tokenizer's and parser's error paths. */
const soup = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(..."()[]{}.,:;?!#|\"'`\\ ".split(""), ...BINARY, ...FUNCTIONS, ...PREDICATES, "let", "=", "?."),
        fc.string({ maxLength: 4 }),
        fc.integer().map(String),
      ),
      { maxLength: 30 },
    ),
    fc.boolean(),
  )
  .map(([parts, spaced]) => parts.join(spaced ? " " : ""));

const results = fc.oneof(
  fc.constantFrom(null, undefined, [], {}, "", Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double(),
  fc.array(fc.double({ noNaN: true }), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string(),
);

function check(expr: string, result: unknown): void {
  try {
    expect(typeof evaluateCondition(expr, result)).toBe("boolean");
  } catch (e) {
    if (!(e instanceof ExpressionError)) {
      throw new Error(`untyped failure for ${JSON.stringify(expr)}: ${String(e)}`);
    }
    expect(e.code).toMatch(/^EXPR_/);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

describe("condition language fuzz", () => {
  const RealFunction = globalThis.Function;
  let evalSpy: ReturnType<typeof vi.spyOn>;

  beforeAll(() => {
    evalSpy = vi.spyOn(globalThis, "eval").mockImplementation(() => {
      throw new Error("eval reached");
    });
    // Any `new Function(...)` / `Function(...)` during the fuzz would land here.
    globalThis.Function = new Proxy(RealFunction, {
      apply() {
        throw new Error("Function constructor reached");
      },
      construct() {
        throw new Error("Function constructor reached");
      },
    });
  });

  afterAll(() => {
    evalSpy.mockRestore();
    globalThis.Function = RealFunction;
  });

  it(`evaluates ${RUNS} grammar-generated expressions to a boolean or a typed error`, () => {
    fc.assert(
      fc.property(expression, results, (expr, result) => check(expr, result)),
      { numRuns: RUNS, seed: 4242 },
    );
    expect(evalSpy).not.toHaveBeenCalled();
  });

  it(`evaluates ${RUNS} well-typed conditions over numeric results`, () => {
    let booleans = 0;
    fc.assert(
      fc.property(typed, numericResults, (expr, result) => {
        try {
          if (typeof evaluateCondition(expr, result) === "boolean") booleans++;
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw new Error(`untyped failure for ${expr}: ${String(e)}`);
        }
      }),
      { numRuns: RUNS, seed: 1234 },
    );
    // Most well-typed conditions really evaluate (the rest index into empty results and the like).
    expect(booleans).toBeGreaterThan(RUNS / 2);
  });

  it(`survives ${RUNS} token-soup texts`, () => {
    fc.assert(
      fc.property(soup, results, (expr, result) => check(expr, result)),
      { numRuns: RUNS, seed: 777 },
    );
    expect(evalSpy).not.toHaveBeenCalled();
  });

  it("stops runaway work with the typed limit error rather than hanging", () => {
    const runaway = [
      "all(1..100000, all(1..100000, # > 0))",
      "map(1..99999, map(1..99999, #))",
      "len(1..999999999999) > 0",
    ];
    for (const expr of runaway) {
      let code: string | undefined;
      try {
        evaluateCondition(expr, null);
      } catch (e) {
        code = (e as ExpressionError).code;
      }
      expect(code).toBe("EXPR_LIMIT");
    }
  });

  it("has no eval or Function constructor anywhere in the analysis sources", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(path);
      }
    };
    walk(import.meta.dirname);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
    }
  });
});
