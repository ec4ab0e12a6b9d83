import { createHash, randomBytes } from "node:crypto";

const TOKEN_PREFIX = "bw_";

/** A new bearer token: 256 random bits, recognisable by its `bw_` prefix (e.g. by secret scanners). */
export function newApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** What the store keeps instead of the token. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The displayable start of a token (never enough to use it). */
export function apiTokenPrefix(token: string): string {
  return token.slice(0, 10);
}
