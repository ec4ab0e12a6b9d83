/**
 * Go (RE2) regular expressions used by Argo (`dryRun[].metricName`, `measurementRetention[].metricName`, the
 * `matches` operator), run on JavaScript's engine. RE2 never backtracks; JavaScript does, so patterns whose
 * matching time can explode (a quantified group that itself contains a quantifier, backreferences) are refused.
 */
export class GoRegexpError extends Error {
  override readonly name = "GoRegexpError";
  readonly code = "INVALID_REGEXP";
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Compiles a Go regular expression into an equivalent JavaScript one (unanchored, like `regexp.MatchString`). */
export function compileGoRegexp(pattern: string): RegExp {
  let flags = "";
  let body = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    for (const f of leading[1] as string) {
      if (f === "U") throw new GoRegexpError(`error parsing regexp: unsupported flag U in \`${pattern}\``);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(leading[0].length);
  }
  body = body
    .replace(/\(\?P</g, "(?<")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const set = POSIX_CLASSES[name];
      if (set === undefined || neg) return whole;
      return set;
    });
  if (/\\[1-9]/.test(body) || /\\k</.test(body)) {
    throw new GoRegexpError(`error parsing regexp: invalid escape sequence in \`${pattern}\``);
  }
  if (hasNestedQuantifier(body)) {
    throw new GoRegexpError(`error parsing regexp: nested repetition is not supported in \`${pattern}\``);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new GoRegexpError(
      `error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`,
    );
  }
}

/** True when a quantified group contains a quantifier, the shape behind catastrophic backtracking. */
function hasNestedQuantifier(body: string): boolean {
  const stack: boolean[] = [];
  let quantifiedInside = false;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      continue;
    }
    if (c === "(") {
      stack.push(quantifiedInside);
      quantifiedInside = false;
      continue;
    }
    if (c === ")") {
      const inner: boolean = quantifiedInside;
      const next = body[i + 1];
      const quantified = next === "*" || next === "+" || next === "{" || next === "?";
      if (inner && quantified && next !== "?") return true;
      quantifiedInside = (stack.pop() ?? false) || inner || quantified;
      continue;
    }
    if (c === "*" || c === "+" || c === "{") quantifiedInside = true;
  }
  return false;
}
