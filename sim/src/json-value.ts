export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  let countB = 0;
  for (const k in bo) if (bo[k] !== undefined) countB++;
  let countA = 0;
  for (const k of keys) {
    if (ao[k] === undefined) continue;
    countA++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  return countA === countB;
}

/** Freezes in place; stored objects are shared by readers and the change feed, so nobody may mutate them. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** A mutable deep copy of a JSON value (one object, never a whole store). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
