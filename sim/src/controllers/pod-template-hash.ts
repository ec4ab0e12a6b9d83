/** The alphabet of `rand.SafeEncodeString`: no vowels (no words) and no look-alike characters. */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Canonical JSON: object keys sorted, so equal templates hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The Deployment controller's `pod-template-hash`: FNV-32a over the template (and the collision count, when
 * set), written as a decimal string and mapped through the safe alphabet — the same shape Kubernetes produces
 * (`5d4f8c7b9`), though not bit-identical because Go hashes its own struct dump.
 */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const text = canonical(template) + (collisionCount ? String(collisionCount) : "");
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = "";
  for (const ch of String(h)) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}
