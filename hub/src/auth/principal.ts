import type { TokenRole } from "../store/schema.ts";

/** Who is calling, as established from a bearer token. */
export interface Principal {
  tokenId: string;
  tokenName: string;
  role: TokenRole;
  /** How the ledger names this caller, e.g. `token:ci-deployer`. */
  actor: string;
  clusterId: string | null;
}
