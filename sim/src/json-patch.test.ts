import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "./json-patch.ts";

describe("JSON patch (RFC 6902)", () => {
  const doc = { a: { b: [1, 2, 3] }, "x/y": { "m~n": 1 } };

  it("applies add, remove, replace, move, copy and test in order", () => {
    const out = applyJsonPatch(doc, [
      { op: "add", path: "/a/b/1", value: 9 },
      { op: "add", path: "/a/b/-", value: 4 },
      { op: "remove", path: "/a/b/0" },
      { op: "replace", path: "/x~1y/m~0n", value: 2 },
      { op: "copy", from: "/a/b", path: "/c" },
      { op: "move", from: "/c", path: "/d" },
      { op: "test", path: "/d/0", value: 9 },
    ]);
    expect(out).toEqual({ a: { b: [9, 2, 3, 4] }, "x/y": { "m~n": 2 }, d: [9, 2, 3, 4] });
    expect(doc.a.b).toEqual([1, 2, 3]);
  });

  it("fails with 422 on a failing test, a missing path or an unknown op", () => {
    for (const ops of [
      [{ op: "test", path: "/a/b/0", value: 7 }],
      [{ op: "replace", path: "/nope", value: 1 }],
      [{ op: "remove", path: "/a/zz" }],
      [{ op: "add", path: "/a/b/9", value: 1 }],
      [{ op: "frobnicate", path: "/a" }],
    ]) {
      expect(() => applyJsonPatch(doc, ops), JSON.stringify(ops)).toThrow(expect.objectContaining({ code: 422 }));
    }
    expect(() => applyJsonPatch(doc, { op: "add" })).toThrow(expect.objectContaining({ code: 400 }));
  });
});
