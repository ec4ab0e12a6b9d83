/**
 * First key of the two-key advisory locks the hub takes, one number per purpose, so locks of different
 * purposes never collide. The second key identifies the object (e.g. `hashtext(chain)`).
 */
export const ADVISORY_CLASS = {
  migrations: 0x6277_0001,
  ledgerChain: 0x6277_0002,
  bootstrap: 0x6277_0003,
} as const;
