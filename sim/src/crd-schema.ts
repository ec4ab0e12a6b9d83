import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import type { StatusCause } from "./status-error.ts";

/** The part of a CRD's structural OpenAPI v3 schema the emulator enforces. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: JsonValue[];
  nullable?: boolean;
  default?: JsonValue;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

const ROOT_KEPT = new Set(["apiVersion", "kind", "metadata"]);

function typeOf(value: JsonValue): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, value: JsonValue): boolean {
  const actual = typeOf(value);
  return actual === expected || (expected === "number" && actual === "integer");
}

const shown = (v: JsonValue) => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v)?.slice(0, 80));

function typeCause(path: string, expected: string, value: JsonValue): StatusCause {
  return {
    reason: "FieldValueTypeInvalid",
    message: `Invalid value: ${JSON.stringify(typeOf(value))}: ${path} in body must be of type ${expected}: ${JSON.stringify(typeOf(value))}`,
    field: path,
  };
}

/**
 * Validates a custom resource against its CRD's structural schema and prunes the fields the schema does not
 * declare (unless `x-kubernetes-preserve-unknown-fields`) and fills `default`s of absent properties, as
 * kube-apiserver does for apiextensions.k8s.io/v1.
 * `obj` is mutated (pruned) in place; the returned causes are empty when it is valid.
 */
export function validateAndPrune(schema: StructuralSchema | undefined, obj: JsonObject): StatusCause[] {
  if (!schema) return [];
  const causes: StatusCause[] = [];
  walkObject(schema, obj, "", causes, true);
  return causes;
}

function walk(schema: StructuralSchema, value: JsonValue, path: string, causes: StatusCause[]): void {
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) {
      causes.push(typeCause(path, "integer or string", value));
    }
    return;
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    causes.push(typeCause(path, schema.type, value));
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${shown(value)}: supported values: ${schema.enum.map((e) => shown(e)).join(", ")}`,
      field: path,
    });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      causes.push(invalid(path, value, `${path} in body should be greater than or equal to ${schema.minimum}`));
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      causes.push(invalid(path, value, `${path} in body should be less than or equal to ${schema.maximum}`));
    }
  } else if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      causes.push(invalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      causes.push({
        reason: "FieldValueTooLong",
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
        field: path,
      });
    }
    const pattern = schema.pattern === undefined ? undefined : safeRegExp(schema.pattern);
    if (pattern && !pattern.test(value)) {
      causes.push(invalid(path, value, `${path} in body should match '${schema.pattern}'`));
    }
  } else if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      causes.push(invalid(path, value, `${path} in body should have at least ${schema.minItems} items`));
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      causes.push({
        reason: "FieldValueTooMany",
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
        field: path,
      });
    }
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as JsonValue;
        if (item === null && !schema.items.nullable) {
          causes.push(typeCause(`${path}[${i}]`, schema.items.type ?? "object", item));
          continue;
        }
        walk(schema.items, item, `${path}[${i}]`, causes);
      }
    }
  } else if (isJsonObject(value)) {
    walkObject(schema, value, path, causes, false);
  }
}

function walkObject(
  schema: StructuralSchema,
  obj: JsonObject,
  path: string,
  causes: StatusCause[],
  root: boolean,
): void {
  const properties = schema.properties ?? {};
  const additional = schema.additionalProperties;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = schema["x-kubernetes-embedded-resource"] === true;
  for (const key of Object.keys(obj)) {
    if ((root || embedded) && ROOT_KEPT.has(key)) continue;
    const child = properties[key] ?? (isJsonObject(additional) ? (additional as StructuralSchema) : undefined);
    const childPath = path ? `${path}.${key}` : key;
    const value = obj[key] as JsonValue;
    if (!child) {
      if (!preserve && additional !== true) delete obj[key];
      continue;
    }
    if (value === null) {
      // Non-nullable nulls are dropped before validation, as the API server does.
      if (!child.nullable) delete obj[key];
      continue;
    }
    walk(child, value, childPath, causes);
  }
  for (const [key, child] of Object.entries(properties)) {
    if (obj[key] === undefined && child.default !== undefined) obj[key] = structuredClone(child.default);
  }
  for (const key of schema.required ?? []) {
    if (obj[key] === undefined)
      causes.push({ reason: "FieldValueRequired", message: "Required value", field: path ? `${path}.${key}` : key });
  }
}

function invalid(path: string, value: JsonValue, why: string): StatusCause {
  return { reason: "FieldValueInvalid", message: `Invalid value: ${shown(value)}: ${why}`, field: path };
}

const regexCache = new Map<string, RegExp | undefined>();

function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    try {
      regexCache.set(pattern, new RegExp(pattern, "u"));
    } catch {
      regexCache.set(pattern, undefined);
    }
  }
  return regexCache.get(pattern);
}
