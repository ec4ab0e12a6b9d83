/** A value outside the JSON data model (NaN, Infinity, a lone surrogate, a function, a Date …). */
export class CanonicalJsonError extends Error {
  readonly code = "NOT_CANONICALIZABLE";
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path || "(root)"}: ${message}`);
    this.name = "CanonicalJsonError";
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string, path: string): string {
  // RFC 8785 §3.2.2.2: strings must be valid Unicode; JSON.stringify would escape a lone surrogate instead.
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError("string holds a lone UTF-16 surrogate", path);
  // JSON.stringify's escaping equals JCS's: \b \t \n \f \r \" \\, other C0 controls as lowercase \u00xx.
  return JSON.stringify(s);
}

function serialize(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} is not a JSON number`, path);
      // ECMAScript Number-to-String is what JCS prescribes (§3.2.2.3); -0 serializes as 0.
      out.push(JSON.stringify(value));
      return;
    case "string":
      out.push(serializeString(value, path));
      return;
    case "object":
      break;
    default:
      throw new CanonicalJsonError(`a ${typeof value} is not JSON`, path);
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      serialize(item === undefined ? null : item, `${path}[${i}]`, out);
    });
    out.push("]");
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(`a ${proto?.constructor?.name ?? "non-plain"} object is not JSON`, path);
  }
  // Sorting by UTF-16 code units is what JCS requires, and what the default sort compares.
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  out.push("{");
  keys.forEach((k, i) => {
    if (i > 0) out.push(",");
    const at = path ? `${path}.${k}` : k;
    out.push(serializeString(k, at), ":");
    serialize((value as Record<string, unknown>)[k], at, out);
  });
  out.push("}");
}

/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte-exact text of a JSON value, for hashing.
 * Properties whose value is `undefined` are left out (as JSON.stringify does); everything else that is not
 * JSON throws a {@link CanonicalJsonError}.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  serialize(value, "", out);
  return out.join("");
}
