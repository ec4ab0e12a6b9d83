import type { Node } from "./ast.ts";
import { ExpressionError } from "./expression-error.ts";
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from "./limits.ts";
import { type Token, tokenize } from "./tokenizer.ts";
import { INT64_MAX, INT64_MIN } from "./value.ts";

interface Operator {
  precedence: number;
  rightAssociative?: boolean;
}

// expr-lang's operator table (parser/operator): the higher binds tighter.
const BINARY: Record<string, Operator> = {
  or: { precedence: 10 },
  "||": { precedence: 10 },
  and: { precedence: 15 },
  "&&": { precedence: 15 },
  "==": { precedence: 20 },
  "!=": { precedence: 20 },
  "<": { precedence: 20 },
  ">": { precedence: 20 },
  ">=": { precedence: 20 },
  "<=": { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  "..": { precedence: 25 },
  "+": { precedence: 30 },
  "-": { precedence: 30 },
  "*": { precedence: 60 },
  "/": { precedence: 60 },
  "%": { precedence: 60 },
  "**": { precedence: 100, rightAssociative: true },
  "^": { precedence: 100, rightAssociative: true },
  "??": { precedence: 500 },
};
const UNARY: Record<string, number> = { not: 50, "!": 50, "-": 90, "+": 90 };
const NEGATABLE = new Set(["in", "matches", "contains", "startsWith", "endsWith"]);

/** Built-ins whose second argument is a predicate over `#` (a closure `{...}` or a bare expression). */
export const PREDICATE_BUILTINS = new Set([
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
]);

const ALIASES: Record<string, string> = { and: "&&", or: "||", not: "!", "^": "**" };

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;
  private closureDepth = 0;
  private readonly limits: ExpressionLimits;

  constructor(tokens: Token[], limits: ExpressionLimits) {
    this.tokens = tokens;
    this.limits = limits;
  }

  private get current(): Token {
    return this.tokens[this.pos] as Token;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private is(kind: Token["kind"], value?: string): boolean {
    const t = this.current;
    return t.kind === kind && (value === undefined || t.value === value);
  }

  private next(): Token {
    const t = this.current;
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private expect(kind: Token["kind"], value: string): void {
    if (!this.is(kind, value)) throw this.unexpected();
    this.next();
  }

  private unexpected(): ExpressionError {
    const t = this.current;
    if (t.kind === "eof") return new ExpressionError("EXPR_SYNTAX", "unexpected end of expression");
    const kind = t.kind.charAt(0).toUpperCase() + t.kind.slice(1);
    return new ExpressionError("EXPR_SYNTAX", `unexpected token ${kind}(${JSON.stringify(t.value)})`);
  }

  private enter(): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new ExpressionError("EXPR_LIMIT", `expression is nested deeper than ${this.limits.maxDepth} levels`);
    }
  }

  parseProgram(): Node {
    const node = this.parseExpression(0);
    if (!this.is("eof")) throw this.unexpected();
    return node;
  }

  parseExpression(precedence: number): Node {
    this.enter();
    try {
      if (precedence === 0 && this.is("operator", "let")) return this.parseLet();
      let left = this.parseUnary();
      for (;;) {
        const t = this.current;
        if (t.kind !== "operator") break;
        // A pipe has the lowest precedence and feeds the left side to the call as its first argument.
        if (t.value === "|" && precedence === 0) {
          left = this.parsePipe(left);
          continue;
        }
        let op = t.value;
        let negate = false;
        if (op === "not" && this.peek().kind === "operator" && NEGATABLE.has(this.peek().value)) {
          negate = true;
          op = this.peek().value;
        }
        const info = BINARY[op];
        if (info === undefined || info.precedence < precedence) break;
        this.next();
        if (negate) this.next();
        const right = this.parseExpression(info.rightAssociative ? info.precedence : info.precedence + 1);
        const node: Node = { kind: "binary", op: ALIASES[op] ?? op, left, right };
        left = negate ? { kind: "unary", op: "!", operand: node } : node;
      }
      if (precedence === 0) {
        if (this.is("operator", "?")) left = this.parseConditional(left);
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parseLet(): Node {
    this.next();
    const name = this.current;
    if (name.kind !== "identifier") throw this.unexpected();
    this.next();
    this.expect("operator", "=");
    const value = this.parseExpression(0);
    this.expect("operator", ";");
    const body = this.parseExpression(0);
    return { kind: "let", name: name.value, value, body };
  }

  private parseConditional(test: Node): Node {
    this.next();
    // `a ?: b` is expr-lang's short form of `a ? a : b`.
    if (this.is("operator", ":")) {
      this.next();
      const otherwise = this.parseExpression(0);
      return { kind: "binary", op: "?:", left: test, right: otherwise };
    }
    const then = this.parseExpression(0);
    this.expect("operator", ":");
    const otherwise = this.parseExpression(0);
    return { kind: "conditional", test, then, otherwise };
  }

  private parsePipe(left: Node): Node {
    this.next();
    const name = this.current;
    if (name.kind !== "identifier") throw this.unexpected();
    this.next();
    const args = this.is("bracket", "(") ? this.parseArguments(name.value, 1) : [];
    return { kind: "call", callee: name.value, args: [left, ...args] };
  }

  private parseUnary(): Node {
    const t = this.current;
    if (t.kind === "operator" && UNARY[t.value] !== undefined) {
      this.next();
      const operand = this.parseExpression(UNARY[t.value] as number);
      return { kind: "unary", op: ALIASES[t.value] ?? t.value, operand };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Node {
    this.enter();
    try {
      const t = this.current;
      switch (t.kind) {
        case "bracket":
          if (t.value === "(") {
            this.next();
            const inner = this.parseExpression(0);
            this.expect("bracket", ")");
            return inner;
          }
          if (t.value === "[") return this.parseArray();
          if (t.value === "{") return this.parseMap();
          throw this.unexpected();
        case "number":
          this.next();
          return { kind: "literal", value: parseNumber(t) };
        case "string":
          this.next();
          return { kind: "literal", value: t.value };
        case "pointer":
          this.next();
          if (this.closureDepth === 0) {
            throw new ExpressionError("EXPR_SYNTAX", "cannot use pointer accessor outside predicate");
          }
          return { kind: "pointer", name: t.value };
        case "identifier": {
          this.next();
          if (t.value === "true" || t.value === "false") return { kind: "literal", value: t.value === "true" };
          if (t.value === "nil") return { kind: "literal", value: null };
          if (this.is("bracket", "(")) return { kind: "call", callee: t.value, args: this.parseArguments(t.value, 0) };
          return { kind: "name", name: t.value };
        }
        case "operator":
          // `.field` inside a predicate is short for `#.field`.
          if (t.value === "." && this.closureDepth > 0 && this.peek().kind === "identifier") {
            this.next();
            const name = this.next().value;
            return {
              kind: "member",
              object: { kind: "pointer", name: "" },
              property: { kind: "literal", value: name },
              optional: false,
            };
          }
          throw this.unexpected();
        default:
          throw this.unexpected();
      }
    } finally {
      this.depth--;
    }
  }

  private parseArguments(callee: string, already: number): Node[] {
    this.expect("bracket", "(");
    const args: Node[] = [];
    while (!this.is("bracket", ")")) {
      if (args.length > 0) this.expect("operator", ",");
      if (this.is("bracket", ")")) break;
      const index = already + args.length;
      args.push(PREDICATE_BUILTINS.has(callee) && index === 1 ? this.parseClosure() : this.parseExpression(0));
    }
    this.expect("bracket", ")");
    return args;
  }

  private parseClosure(): Node {
    this.closureDepth++;
    try {
      if (this.is("bracket", "{")) {
        this.next();
        const body = this.parseExpression(0);
        this.expect("bracket", "}");
        return { kind: "closure", body };
      }
      return { kind: "closure", body: this.parseExpression(0) };
    } finally {
      this.closureDepth--;
    }
  }

  private parseArray(): Node {
    this.next();
    const items: Node[] = [];
    while (!this.is("bracket", "]")) {
      if (items.length > 0) {
        this.expect("operator", ",");
        if (this.is("bracket", "]")) break;
      }
      items.push(this.parseExpression(0));
    }
    this.next();
    return { kind: "array", items };
  }

  private parseMap(): Node {
    this.next();
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.is("bracket", "}")) {
      if (entries.length > 0) {
        this.expect("operator", ",");
        if (this.is("bracket", "}")) break;
      }
      const t = this.current;
      let key: Node;
      if (t.kind === "identifier" || t.kind === "string" || t.kind === "number") {
        this.next();
        key = { kind: "literal", value: t.value };
      } else if (t.kind === "bracket" && t.value === "(") {
        this.next();
        key = this.parseExpression(0);
        this.expect("bracket", ")");
      } else {
        throw this.unexpected();
      }
      this.expect("operator", ":");
      entries.push({ key, value: this.parseExpression(0) });
    }
    this.next();
    return { kind: "map", entries };
  }

  private parsePostfix(node: Node): Node {
    let current = node;
    for (;;) {
      const t = this.current;
      if (t.kind === "operator" && (t.value === "." || t.value === "?.")) {
        this.next();
        const optional = t.value === "?.";
        if (optional && this.is("bracket", "[")) {
          this.next();
          const property = this.parseExpression(0);
          this.expect("bracket", "]");
          current = { kind: "member", object: current, property, optional };
          continue;
        }
        const name = this.current;
        // Keywords such as `in` are valid field names after a dot.
        if (name.kind !== "identifier" && !(name.kind === "operator" && /^[A-Za-z]/.test(name.value))) {
          throw this.unexpected();
        }
        this.next();
        if (this.is("bracket", "(")) {
          throw new ExpressionError("EXPR_TYPE", `type ${describe(current)} has no method ${name.value}`);
        }
        current = { kind: "member", object: current, property: { kind: "literal", value: name.value }, optional };
        continue;
      }
      if (t.kind === "bracket" && t.value === "[") {
        this.next();
        let from: Node | null = null;
        if (!this.is("operator", ":")) from = this.parseExpression(0);
        if (this.is("operator", ":")) {
          this.next();
          const to = this.is("bracket", "]") ? null : this.parseExpression(0);
          this.expect("bracket", "]");
          current = { kind: "slice", object: current, from, to };
          continue;
        }
        this.expect("bracket", "]");
        current = { kind: "member", object: current, property: from as Node, optional: false };
        continue;
      }
      return current;
    }
  }
}

function describe(node: Node): string {
  return node.kind === "name" ? node.name : "interface {}";
}

function parseNumber(t: Token): bigint | number {
  const text = t.value.replaceAll("_", "");
  if (!t.isInt) return Number(text);
  const lower = text.toLowerCase();
  const v = lower.startsWith("0o") ? BigInt(`0o${lower.slice(2)}`) : BigInt(lower);
  if (v < INT64_MIN || v > INT64_MAX) {
    throw new ExpressionError("EXPR_SYNTAX", `invalid number: ${t.value}`);
  }
  return v;
}

/** Parses an expr-lang source text into a syntax tree; throws {@link ExpressionError} on bad input. */
export function parse(source: string, limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS): Node {
  if (source.length > limits.maxSourceLength) {
    throw new ExpressionError("EXPR_LIMIT", `expression is longer than ${limits.maxSourceLength} characters`);
  }
  return new Parser(tokenize(source), limits).parseProgram();
}
