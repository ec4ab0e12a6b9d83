/** Alphabet Kubernetes uses for safe generated names (`rand.SafeEncodeString`): no vowels, no look-alikes. */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** JSON with object keys sorted and `undefined` members dropped, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** 32-bit FNV-1a over bytes. */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** Maps each character onto the safe alphabet, as `rand.SafeEncodeString` does. */
export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * Deterministic short hash of a JSON value: FNV-1a 32 over its canonical JSON (plus `collisionCount` as 4
 * little-endian bytes when given), its decimal digits mapped onto the safe alphabet — the same construction as
 * Kubernetes' and Argo's pod-template-hash, over canonical JSON instead of Go's struct dump.
 */
export function stableHash(value: unknown, collisionCount?: number): string {
  const json = new TextEncoder().encode(canonicalJson(value));
  let bytes = json;
  if (collisionCount !== undefined) {
    bytes = new Uint8Array(json.length + 4);
    bytes.set(json);
    new DataView(bytes.buffer).setUint32(json.length, collisionCount >>> 0, true);
  }
  return safeEncode(String(fnv1a32(bytes)));
}
