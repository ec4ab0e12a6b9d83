import type { FastifyRequest } from "fastify";
import type { Principal } from "../auth/principal.ts";
import { ApiError, invalid } from "./api-error.ts";

const MAX_REASON = 1000;

/** The caller, set by the auth hook on every route that declares a role. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError(401, "UNAUTHENTICATED", "a bearer token is required");
  return req.principal;
}

/** Why the caller did it: header `X-Bellwether-Reason`, recorded in the ledger with the event. */
export function reasonOf(req: FastifyRequest, fromBody?: unknown): string {
  const raw = fromBody ?? req.headers["x-bellwether-reason"];
  if (raw === undefined) return "";
  if (typeof raw !== "string") throw invalid("reason", "must be a string");
  if (raw.length > MAX_REASON) throw invalid("reason", `must be at most ${MAX_REASON} characters`);
  return raw;
}
