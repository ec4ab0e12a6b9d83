type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => equal(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * The RFC 7386 merge patch that turns `from` into `to`: removed keys become null, arrays and scalars are
 * replaced whole, objects are diffed recursively. Used where a field must be replaced exactly (undo's template).
 */
export function mergePatchDiff(from: unknown, to: unknown): Json | undefined {
  if (!isObject(from) || !isObject(to)) return equal(from, to) ? undefined : ((to ?? null) as Json);
  const patch: Record<string, Json> = {};
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  for (const [k, v] of Object.entries(to)) {
    const d = mergePatchDiff(from[k], v);
    if (d !== undefined) patch[k] = d;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
