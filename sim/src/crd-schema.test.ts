import { describe, expect, it } from "vitest";
import { type StructuralSchema, validateAndPrune } from "./crd-schema.ts";
import type { JsonObject } from "./json-value.ts";

const schema: StructuralSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["replicas"],
      properties: {
        replicas: { type: "integer", minimum: 0 },
        strategy: { type: "string", enum: ["canary", "blueGreen"] },
        revisionHistoryLimit: { type: "integer", default: 10 },
        maxSurge: { "x-kubernetes-int-or-string": true },
        labels: { type: "object", additionalProperties: { type: "string" } },
        template: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        steps: {
          type: "array",
          maxItems: 2,
          items: { type: "object", properties: { setWeight: { type: "integer" } } },
        },
        note: { type: "string", nullable: true, pattern: "^[a-z]+$" },
      },
    },
    status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  },
};

describe("CRD structural schema", () => {
  it("prunes undeclared fields, keeps preserved subtrees and root metadata, drops non-nullable nulls", () => {
    const obj: JsonObject = {
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "a" },
      extra: 1,
      spec: {
        replicas: 2,
        unknown: "gone",
        template: { anything: { goes: true } },
        steps: [{ setWeight: 10, stray: 1 }],
        labels: { a: "b" },
        strategy: null,
        note: null,
      },
    };
    expect(validateAndPrune(schema, obj)).toEqual([]);
    expect(obj).toEqual({
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "a" },
      spec: {
        replicas: 2,
        template: { anything: { goes: true } },
        steps: [{ setWeight: 10 }],
        labels: { a: "b" },
        note: null,
        revisionHistoryLimit: 10,
      },
    });
  });

  it("reports type, enum, required, bounds, int-or-string and pattern violations with their fields", () => {
    const obj: JsonObject = {
      spec: {
        replicas: "3",
        strategy: "rolling",
        maxSurge: 1.5,
        labels: { a: 1 },
        steps: [{}, {}, {}],
        note: "UPPER",
      },
    };
    const causes = validateAndPrune(schema, obj);
    expect(causes.map((c) => `${c.field} ${c.reason}`)).toEqual([
      "spec.replicas FieldValueTypeInvalid",
      "spec.strategy FieldValueNotSupported",
      "spec.maxSurge FieldValueTypeInvalid",
      "spec.labels.a FieldValueTypeInvalid",
      "spec.steps FieldValueTooMany",
      "spec.note FieldValueInvalid",
    ]);
    expect(causes[0]?.message).toBe('Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    expect(validateAndPrune(schema, { spec: {} }).map((c) => c.field)).toEqual(["spec.replicas"]);
    expect(validateAndPrune(schema, { spec: { replicas: -1 } })[0]?.message).toContain("greater than or equal to 0");
  });
});
