import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMergePatch } from "./json-merge-patch.ts";
import { applyJsonPatch } from "./json-patch.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";
import { LabelSelector } from "./label-selector.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

const key = fc.constantFrom("a", "b", "c", "spec", "replicas", "x-y");
const scalar = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean());
/** JSON objects without arrays, where strategic merge patch must behave exactly like a merge patch. */
const mapTree: fc.Arbitrary<JsonObject> = fc.letrec((tie) => ({
  tree: fc.dictionary(key, fc.oneof({ depthSize: "small" }, scalar, tie("tree")), { maxKeys: 4 }),
})).tree as fc.Arbitrary<JsonObject>;
const mapPatch: fc.Arbitrary<JsonObject> = fc.letrec((tie) => ({
  patch: fc.dictionary(key, fc.oneof({ depthSize: "small" }, scalar, fc.constant(null), tie("patch")), { maxKeys: 4 }),
})).patch as fc.Arbitrary<JsonObject>;

describe("patch properties", () => {
  it("a merge patch is idempotent", () => {
    fc.assert(
      fc.property(mapTree, mapPatch, (doc, patch) => {
        const once = applyMergePatch(doc, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
    );
  });

  it("strategic merge equals merge patch on documents without lists or directives", () => {
    fc.assert(
      fc.property(mapTree, mapPatch, (doc, patch) => {
        expect(applyStrategicMergePatch(doc, patch)).toEqual(applyMergePatch(doc, patch));
      }),
    );
  });

  it("a JSON patch add followed by remove of a new key restores the document and never mutates the input", () => {
    fc.assert(
      fc.property(mapTree, fc.string({ minLength: 1, maxLength: 6 }), scalar, (doc, k, v) => {
        fc.pre(!(k in doc));
        const before = structuredClone(doc);
        const path = `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        const added = applyJsonPatch(doc, [{ op: "add", path, value: v as JsonValue }]) as JsonObject;
        expect(added[k]).toEqual(v);
        expect(applyJsonPatch(added, [{ op: "remove", path }])).toEqual(before);
        expect(doc).toEqual(before);
      }),
    );
  });

  it("a label selector's string form selects exactly what the selector selects", () => {
    const labelKey = fc.constantFrom("app", "tier", "example.com/track");
    const labelValue = fc.constantFrom("web", "db", "canary", "v1");
    const requirement = fc.oneof(
      fc.record({
        key: labelKey,
        operator: fc.constantFrom("In", "NotIn"),
        values: fc.uniqueArray(labelValue, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ key: labelKey, operator: fc.constantFrom("Exists", "DoesNotExist") }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(labelKey, labelValue),
        fc.array(requirement, { maxLength: 3 }),
        fc.dictionary(labelKey, labelValue),
        (matchLabels, matchExpressions, labels) => {
          const selector = LabelSelector.fromObject({ matchLabels, matchExpressions });
          const reparsed = LabelSelector.parse(selector.toString());
          expect(reparsed.matches(labels)).toBe(selector.matches(labels));
        },
      ),
    );
  });
});
