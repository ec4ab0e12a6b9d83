import { describe, expect, it } from "vitest";
import { LabelSelector } from "./label-selector.ts";

describe("LabelSelector", () => {
  const labels = { app: "web", tier: "front", "example.com/track": "canary" };

  it.each([
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["tier in (front, back)", true],
    ["tier notin (front)", false],
    ["missing notin (x)", true],
    ["example.com/track", true],
    ["!example.com/track", false],
    ["!missing", true],
    ["app=web,tier in (back)", false],
  ])("%j matches %s", (selector, expected) => {
    expect(LabelSelector.parse(selector).matches(labels)).toBe(expected);
  });

  it("rejects malformed selectors with a 400 naming the problem", () => {
    expect(() => LabelSelector.parse("app in (")).toThrow(/unable to parse requirement/);
    expect(() => LabelSelector.parse("bad key=x")).toThrow(/invalid label key/);
    expect(() => LabelSelector.parse("app=,")).toThrow(/empty requirement/);
    try {
      LabelSelector.parse("a=b=c");
    } catch (e) {
      expect((e as { code: number }).code).toBe(400);
    }
  });

  it("builds from matchLabels and matchExpressions and prints the string form", () => {
    const s = LabelSelector.fromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "edge"] },
        { key: "legacy", operator: "DoesNotExist" },
      ],
    });
    expect(s.matches(labels)).toBe(true);
    expect(s.matches({ ...labels, legacy: "1" })).toBe(false);
    expect(s.toString()).toBe("app=web,tier in (front,edge),!legacy");
    expect(() => LabelSelector.fromObject({ matchExpressions: [{ key: "a", operator: "Near" }] })).toThrow(
      /matchExpressions\[0\]\.operator: Unsupported value/,
    );
  });
});
