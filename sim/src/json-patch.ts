import { cloneJson, deepEqual, isJsonObject, type JsonValue } from "./json-value.ts";
import { StatusError } from "./status-error.ts";

/** A JSON patch that cannot be applied; the API answers it with 422, as kube-apiserver does. */
export class JsonPatchError extends StatusError {
  constructor(message: string) {
    super(422, "Invalid", message);
    this.name = "JsonPatchError";
  }
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new JsonPatchError(`invalid JSON pointer "${pointer}": must start with /`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = JsonValue[] | { [key: string]: JsonValue };

function parentOf(doc: JsonValue, parts: string[], path: string): { parent: Container; key: string } {
  let cur: JsonValue = doc;
  for (const part of parts.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(cur)
      ? cur[arrayIndex(part, cur.length - 1, path)]
      : isJsonObject(cur)
        ? cur[part]
        : undefined;
    if (next === undefined || next === null || typeof next !== "object") {
      throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
    }
    cur = next;
  }
  if (cur === null || typeof cur !== "object") throw new JsonPatchError(`doc is missing path: "${path}"`);
  return { parent: cur, key: parts[parts.length - 1]! };
}

function arrayIndex(part: string, max: number, path: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(part)) throw new JsonPatchError(`invalid array index "${part}" in "${path}"`);
  const i = Number(part);
  if (i > max) throw new JsonPatchError(`array index ${i} out of bounds in "${path}"`);
  return i;
}

function read(doc: JsonValue, path: string): JsonValue {
  const parts = parsePointer(path);
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts, path);
  const value = Array.isArray(parent) ? parent[arrayIndex(key, parent.length - 1, path)] : parent[key];
  if (value === undefined) throw new JsonPatchError(`doc is missing key: ${path}: missing value`);
  return value;
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const parts = parsePointer(path);
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    if (key === "-") parent.push(value);
    else parent.splice(arrayIndex(key, parent.length, path), 0, value);
  } else parent[key] = value;
  return doc;
}

function remove(doc: JsonValue, path: string): JsonValue {
  const parts = parsePointer(path);
  if (parts.length === 0) throw new JsonPatchError("cannot remove the whole document");
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length - 1, path), 1);
  else {
    if (!Object.hasOwn(parent, key))
      throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path}"`);
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test), applied to a copy of `target`. */
export function applyJsonPatch(target: JsonValue, operations: unknown): JsonValue {
  if (!Array.isArray(operations)) {
    throw new StatusError(400, "BadRequest", "json patch must be an array of operations");
  }
  let doc = cloneJson(target);
  for (const [i, raw] of operations.entries()) {
    if (!isJsonObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") {
      throw new JsonPatchError(`operation ${i}: needs string "op" and "path"`);
    }
    const op = raw as unknown as Operation;
    switch (op.op) {
      case "add":
        if (!("value" in raw)) throw new JsonPatchError(`operation ${i} (add): missing value`);
        doc = add(doc, op.path, cloneJson(op.value as JsonValue));
        break;
      case "remove":
        doc = remove(doc, op.path);
        break;
      case "replace":
        if (!("value" in raw)) throw new JsonPatchError(`operation ${i} (replace): missing value`);
        try {
          read(doc, op.path);
        } catch {
          throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        }
        doc = remove(doc, op.path);
        doc = add(doc, op.path, cloneJson(op.value as JsonValue));
        break;
      case "move": {
        if (typeof op.from !== "string") throw new JsonPatchError(`operation ${i} (move): missing from`);
        const value = read(doc, op.from);
        doc = remove(doc, op.from);
        doc = add(doc, op.path, value);
        break;
      }
      case "copy": {
        if (typeof op.from !== "string") throw new JsonPatchError(`operation ${i} (copy): missing from`);
        doc = add(doc, op.path, cloneJson(read(doc, op.from)));
        break;
      }
      case "test": {
        let actual: JsonValue | undefined;
        try {
          actual = read(doc, op.path);
        } catch {
          actual = undefined;
        }
        if (!deepEqual(actual, op.value)) throw new JsonPatchError(`testing value ${op.path} failed: test failed`);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
