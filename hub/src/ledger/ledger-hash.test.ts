import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, ledgerRowHash } from "./ledger-hash.ts";

describe("ledgerRowHash", () => {
  const row = {
    chain: "app:shop/web",
    seq: 1,
    at: "2026-11-22T00:00:00.000Z",
    actor: "token:ci",
    kind: "command.created",
    subject: "eu-1/shop/web",
    data: { b: 2, a: "x" },
  };

  it("hashes prev + newline + the canonical row", () => {
    const text =
      '{"actor":"token:ci","at":"2026-11-22T00:00:00.000Z","chain":"app:shop/web","data":{"a":"x","b":2},' +
      '"kind":"command.created","seq":1,"subject":"eu-1/shop/web"}';
    const expected = createHash("sha256")
      .update(`${"0".repeat(64)}\n${text}`)
      .digest("hex");
    expect(ledgerRowHash(GENESIS_HASH, row)).toBe(expected);
  });

  it("changes with the previous hash and with any field, not with key order or extra properties", () => {
    const h = ledgerRowHash(GENESIS_HASH, row);
    expect(ledgerRowHash("1".repeat(64), row)).not.toBe(h);
    expect(ledgerRowHash(GENESIS_HASH, { ...row, seq: 2 })).not.toBe(h);
    expect(ledgerRowHash(GENESIS_HASH, { ...row, data: { a: "x", b: 3 } })).not.toBe(h);
    expect(ledgerRowHash(GENESIS_HASH, { ...row, data: { a: "x", b: 2 } })).toBe(h);
    expect(ledgerRowHash(GENESIS_HASH, { ...row, hash: "ignored", pos: 9 } as typeof row)).toBe(h);
  });
});
