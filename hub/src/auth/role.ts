import type { TokenRole } from "../store/schema.ts";

/** Roles people and automation can hold, weakest first; each includes the ones before it. */
export const USER_ROLES = ["viewer", "operator", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

const RANK: Record<TokenRole, number> = { agent: 0, viewer: 1, operator: 2, admin: 3 };

/** True when a token of role `have` may do what needs `need`. Agent tokens hold no HTTP role at all. */
export function roleAllows(have: TokenRole, need: UserRole): boolean {
  return RANK[have] >= RANK[need] && have !== "agent";
}

export function isUserRole(v: unknown): v is UserRole {
  return typeof v === "string" && (USER_ROLES as readonly string[]).includes(v);
}
