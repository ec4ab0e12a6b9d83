import { ExpressionError } from "./expression-error.ts";

export type TokenKind = "number" | "string" | "identifier" | "operator" | "bracket" | "pointer" | "eof";

export interface Token {
  kind: TokenKind;
  /** Operator or identifier text; for strings the decoded value; for numbers the source text. */
  value: string;
  /** For numbers: whether the literal is an integer (expr-lang keeps int and float apart). */
  isInt?: boolean;
  /** Offset in the source, for messages. */
  at: number;
}

const WORD_OPERATORS = new Set(["and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith", "let"]);
// Longest first, so "**" wins over "*".
const SYMBOLS = [
  "**",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "..",
  "??",
  "?.",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "<",
  ">",
  "!",
  "?",
  ":",
  ".",
  ",",
  "|",
  ";",
  "=",
];
const BRACKETS = new Set(["(", ")", "[", "]", "{", "}"]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$");
}

function isIdentPart(c: string | undefined): boolean {
  return isIdentStart(c) || isDigit(c);
}

function syntax(message: string): ExpressionError {
  return new ExpressionError("EXPR_SYNTAX", message);
}

/** Splits an expr-lang source text into tokens (numbers, strings, names, operators, brackets, `#` pointers). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === "." && isDigit(source[i + 1]))) {
      const { text, isInt, end } = scanNumber(source, i);
      tokens.push({ kind: "number", value: text, isInt, at: start });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = scanQuoted(source, i, c);
      tokens.push({ kind: "string", value, at: start });
      i = end;
      continue;
    }
    if (c === "`") {
      const close = source.indexOf("`", i + 1);
      if (close < 0) throw syntax("literal not terminated");
      tokens.push({ kind: "string", value: source.slice(i + 1, close), at: start });
      i = close + 1;
      continue;
    }
    if (c === "#") {
      let j = i + 1;
      while (isIdentPart(source[j])) j++;
      tokens.push({ kind: "pointer", value: source.slice(i + 1, j), at: start });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (isIdentPart(source[j])) j++;
      const word = source.slice(i, j);
      tokens.push({ kind: WORD_OPERATORS.has(word) ? "operator" : "identifier", value: word, at: start });
      i = j;
      continue;
    }
    if (BRACKETS.has(c)) {
      tokens.push({ kind: "bracket", value: c, at: start });
      i++;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (symbol === undefined)
      throw syntax(`unrecognized character: U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")} '${c}'`);
    // `a?.5:1` is a ternary with a float, not optional chaining.
    if (symbol === "?." && isDigit(source[i + 2])) {
      tokens.push({ kind: "operator", value: "?", at: start });
      i++;
      continue;
    }
    tokens.push({ kind: "operator", value: symbol, at: start });
    i += symbol.length;
  }
  tokens.push({ kind: "eof", value: "", at: n });
  return tokens;
}

function scanNumber(source: string, from: number): { text: string; isInt: boolean; end: number } {
  let i = from;
  const radix = source[i] === "0" ? source[i + 1]?.toLowerCase() : undefined;
  if (radix === "x" || radix === "o" || radix === "b") {
    i += 2;
    const digits = radix === "x" ? /[0-9a-fA-F_]/ : radix === "o" ? /[0-7_]/ : /[01_]/;
    while (i < source.length && digits.test(source[i] as string)) i++;
    const text = source.slice(from, i);
    if (text.length === 2 || isIdentPart(source[i])) throw syntax(`invalid number: ${source.slice(from, i + 1)}`);
    return { text, isInt: true, end: i };
  }
  let isInt = true;
  while (isDigit(source[i]) || source[i] === "_") i++;
  // A single dot followed by a digit (or nothing numeric) makes a float; ".." is the range operator.
  if (source[i] === "." && source[i + 1] !== "." && !isIdentStart(source[i + 1])) {
    isInt = false;
    i++;
    while (isDigit(source[i]) || source[i] === "_") i++;
  }
  if (source[i] === "e" || source[i] === "E") {
    let j = i + 1;
    if (source[j] === "+" || source[j] === "-") j++;
    if (!isDigit(source[j])) throw syntax(`invalid number: ${source.slice(from, j + 1)}`);
    while (isDigit(source[j])) j++;
    i = j;
    isInt = false;
  }
  if (isIdentStart(source[i])) throw syntax(`invalid number: ${source.slice(from, i + 1)}`);
  return { text: source.slice(from, i), isInt, end: i };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function scanQuoted(source: string, from: number, quote: string): { value: string; end: number } {
  let i = from + 1;
  let out = "";
  while (i < source.length) {
    const c = source[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c === "\n") break;
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = source[i + 1];
    if (e === undefined) break;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const hexLength = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLength > 0) {
      const hex = source.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) throw syntax("invalid char escape");
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) throw syntax("invalid char escape");
      out += String.fromCodePoint(code);
      i += 2 + hexLength;
      continue;
    }
    if (e >= "0" && e <= "7") {
      const oct = source.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw syntax("invalid char escape");
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 4;
      continue;
    }
    throw syntax("invalid char escape");
  }
  throw syntax("literal not terminated");
}
