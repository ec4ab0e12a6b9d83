import { cloneJson, deepEqual, isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import { badRequest } from "./status-error.ts";

/** How a list field merges: by a key field (`containers` by `name`), as a set of primitives, or not at all. */
export interface ListStrategy {
  mergeKey?: string;
  primitiveMerge?: boolean;
}

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

/**
 * The patch metadata (`patchStrategy`/`patchMergeKey` tags) of the built-in types the emulator serves. Keyed by
 * field name, with the one name whose key depends on its parent (`ports`: container vs service) resolved by path.
 */
export function builtinListStrategy(path: readonly string[]): ListStrategy | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case "containers":
    case "initContainers":
    case "ephemeralContainers":
    case "volumes":
    case "env":
    case "imagePullSecrets":
    case "resourceClaims":
      return { mergeKey: "name" };
    case "ports":
      return CONTAINER_LISTS.has(parent ?? "") ? { mergeKey: "containerPort" } : { mergeKey: "port" };
    case "volumeMounts":
      return { mergeKey: "mountPath" };
    case "volumeDevices":
      return { mergeKey: "devicePath" };
    case "hostAliases":
      return { mergeKey: "ip" };
    case "conditions":
      return { mergeKey: "type" };
    case "ownerReferences":
      return { mergeKey: "uid" };
    case "topologySpreadConstraints":
      return { mergeKey: "topologyKey" };
    case "finalizers":
      return parent === "metadata" ? { primitiveMerge: true } : undefined;
    default:
      return undefined;
  }
}

type StrategyLookup = (path: readonly string[]) => ListStrategy | undefined;

const DIRECTIVE = "$patch";
const ORDER_PREFIX = "$setElementOrder/";
const DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList/";
const RETAIN_KEYS = "$retainKeys";

/**
 * Kubernetes strategic merge patch: maps merge, lists with a merge key merge element-wise, and the directives
 * `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<f>` and `$deleteFromPrimitiveList/<f>` apply.
 */
export function applyStrategicMergePatch(
  original: JsonValue,
  patch: JsonValue,
  strategyFor: StrategyLookup = builtinListStrategy,
): JsonValue {
  if (!isJsonObject(patch)) throw badRequest("strategic merge patch must be a JSON object");
  return mergeMap(isJsonObject(original) ? original : {}, patch, [], strategyFor) ?? {};
}

function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(ORDER_PREFIX) || k.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      continue;
    }
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  path: string[],
  lookup: StrategyLookup,
): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === "delete") return undefined;
  if (directive === "replace") return stripDirectives(patch) as JsonObject;
  if (directive !== undefined && directive !== "merge") {
    throw badRequest(`Unknown patch type: ${String(directive)} at ${path.join(".") || "<root>"}`);
  }
  const out: JsonObject = { ...original };
  const orders: [string, JsonValue[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS) continue;
    if (key.startsWith(ORDER_PREFIX)) {
      if (Array.isArray(value)) orders.push([key.slice(ORDER_PREFIX.length), value]);
      continue;
    }
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        out[field] = current.filter((v) => !value.some((d) => deepEqual(d, v)));
      }
      continue;
    }
    const childPath = [...path, key];
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(out[key], value, childPath, lookup);
    else if (isJsonObject(value)) {
      const merged = mergeMap(isJsonObject(out[key]) ? out[key] : {}, value, childPath, lookup);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k) && !Object.hasOwn(patch, k)) delete out[k];
  }
  for (const [field, order] of orders) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = reorder(list, order, lookup([...path, field])?.mergeKey);
  }
  return out;
}

function mergeList(original: JsonValue | undefined, patch: JsonValue[], path: string[], lookup: StrategyLookup) {
  const strategy = lookup(path);
  const current = Array.isArray(original) ? original : [];
  if (strategy?.primitiveMerge) {
    const out = [...current];
    for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  const mergeKey = strategy?.mergeKey;
  if (!mergeKey) return stripDirectives(patch);
  if (patch.some((p) => isJsonObject(p) && p[DIRECTIVE] === "replace")) {
    return stripDirectives(patch.filter((p) => !(isJsonObject(p) && p[DIRECTIVE] === "replace")));
  }
  const out: JsonValue[] = current.map((v) => v);
  for (const item of patch) {
    if (!isJsonObject(item)) {
      throw badRequest(`${path.join(".")}: elements must be objects with merge key "${mergeKey}"`);
    }
    const keyValue = item[mergeKey];
    if (keyValue === undefined) {
      throw badRequest(
        `${path.join(".")}: map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
      );
    }
    const index = out.findIndex((o) => isJsonObject(o) && deepEqual(o[mergeKey], keyValue));
    if (item[DIRECTIVE] === "delete") {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = mergeMap(out[index] as JsonObject, item, path, lookup);
      if (merged === undefined) out.splice(index, 1);
      else out[index] = merged;
    } else out.push(stripDirectives(cloneJson(item)));
  }
  return out;
}

/** `$setElementOrder`: the listed elements first, in the given order; elements the patch did not name follow. */
function reorder(list: JsonValue[], order: JsonValue[], mergeKey: string | undefined): JsonValue[] {
  const keyOf = (v: JsonValue) => (mergeKey && isJsonObject(v) ? v[mergeKey] : v);
  const orderKeys = order.map((o) => (mergeKey && isJsonObject(o) ? o[mergeKey] : o));
  const ordered: JsonValue[] = [];
  for (const k of orderKeys) {
    const found = list.find((v) => deepEqual(keyOf(v), k));
    if (found !== undefined) ordered.push(found);
  }
  const rest = list.filter((v) => !orderKeys.some((k) => deepEqual(keyOf(v), k)));
  return [...ordered, ...rest];
}
