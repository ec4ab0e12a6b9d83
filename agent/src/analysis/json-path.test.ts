import { describe, expect, it } from "vitest";
import { parseJsonPath, selectJsonPath } from "./json-path.ts";
import { ProviderError } from "./provider-error.ts";
import { webResult } from "./web-provider.ts";

const doc = { data: { ok: true, rate: 0.25, items: [{ v: 1 }, { v: 2 }], "dash-key": "x" } };

describe("selectJsonPath", () => {
  it("selects the whole document for {$} and $", () => {
    expect(selectJsonPath(doc, "{$}")).toBe(doc);
    expect(selectJsonPath(doc, "$")).toBe(doc);
  });

  it("follows fields and indexes, with or without braces", () => {
    expect(selectJsonPath(doc, "{$.data.rate}")).toBe(0.25);
    expect(selectJsonPath(doc, "$.data.items[1].v")).toBe(2);
    expect(selectJsonPath(doc, '{$.data["dash-key"]}')).toBe("x");
    expect(selectJsonPath(doc, "{.data.ok}")).toBe(true);
  });

  it("says the result is empty when the path leads nowhere", () => {
    expect(() => selectJsonPath(doc, "{$.data.missing}")).toThrow(/result of JSONPath is empty/);
    expect(() => selectJsonPath(doc, "{$.data.items[5]}")).toThrow(ProviderError);
  });

  it("refuses expressions outside the supported subset, naming the rest", () => {
    expect(() => parseJsonPath("{$.data[?(@.v>1)]}")).toThrow(/jsonPath: .* is not supported at "\[\?/);
    expect(() => parseJsonPath("{$..v}")).toThrow(/not supported/);
  });
});

describe("webResult", () => {
  it("formats the selected value as JSON, as Argo's measurement value", () => {
    expect(webResult('{"a":{"b":[0.5,1]}}', "{$.a.b}")).toEqual({ result: [0.5, 1], value: "[0.5,1]" });
    expect(webResult('{"a":"text"}', "{$.a}")).toEqual({ result: "text", value: '"text"' });
  });

  it("evaluates a body that is not JSON as the raw string", () => {
    expect(webResult("healthy", "{$.a}")).toEqual({ result: "healthy", value: "healthy" });
  });
});
