import { randomBytes, randomUUID } from "node:crypto";
import type { ChangeEvent, ChangeListener } from "./change-feed.ts";
import { establishedCrdStatus, kindFromCrd, validateCrd } from "./crd-kinds.ts";
import { validateAndPrune } from "./crd-schema.ts";
import { FieldSelector } from "./field-selector.ts";
import { GarbageCollector } from "./garbage-collector.ts";
import { applyMergePatch } from "./json-merge-patch.ts";
import { applyJsonPatch } from "./json-patch.ts";
import { cloneJson, deepEqual, isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import { KindRegistry } from "./kind-registry.ts";
import type { KubeList, KubeObject, WatchEvent } from "./kube-object.ts";
import { readPath } from "./kube-object.ts";
import { LabelSelector } from "./label-selector.ts";
import { ListSnapshots } from "./list-snapshots.ts";
import { applyCreateDefaults, ClusterIpAllocator } from "./object-defaults.ts";
import { ObjectStore } from "./object-store.ts";
import { invalidValue, validateObject } from "./object-validation.ts";
import { evictionDecision } from "./pod-eviction.ts";
import { RbacAuthorizer, serviceAccountUser, type UserInfo } from "./rbac-authorizer.ts";
import { RequestLog } from "./request-log.ts";
import { apiVersionOf, groupResource, type ResourceKind } from "./resource-kind.ts";
import {
  alreadyExists,
  badRequest,
  conflict,
  gone,
  invalid,
  notFound,
  STALE_OBJECT,
  StatusError,
} from "./status-error.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

/** A resource as a URL names it: group, version and plural (`apps`, `v1`, `replicasets`). */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+cbor": "apply",
};

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

/** The outcome of a delete: the object is gone (`deleted`) or waits for finalizers (`pending`). */
export interface DeleteResult {
  deleted: boolean;
  object: KubeObject;
}

/** A running watch; `stop()` ends it and releases its listener. */
export interface Watcher {
  stop(): void;
  readonly stopped: boolean;
}

export interface KubeClusterOptions {
  name: string;
  /** Enforce RBAC for HTTP requests (in-process calls are trusted, like the controller manager). */
  rbac?: boolean;
  /** How many writes the change feed remembers; a watch from an older resourceVersion gets 410 Gone. */
  historySize?: number;
  /** How often watches that allow bookmarks receive one. */
  bookmarkIntervalMs?: number;
}

export const DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
const PROTECTED_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);
const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export const nowTimestamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += GENERATE_ALPHABET[b % GENERATE_ALPHABET.length];
  return out;
}

/** Everything except metadata (and status, when status is a subresource) — the part `generation` tracks. */
function specPart(kind: ResourceKind, o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = o;
  return kind.subresources.status ? rest : { ...rest, status };
}

/**
 * One emulated cluster: a store, its kinds (built-ins + CRDs) and the Kubernetes semantics of every verb.
 * The HTTP API calls these methods; in-process controllers may call them directly (trusted, not logged).
 */
export class KubeCluster {
  readonly name: string;
  readonly kinds: KindRegistry;
  readonly store: ObjectStore;
  readonly requestLog = new RequestLog();
  readonly authorizer: RbacAuthorizer;
  rbacEnabled: boolean;
  readonly bookmarkIntervalMs: number;
  readonly #gc: GarbageCollector;
  readonly #ips = new ClusterIpAllocator();
  readonly #snapshots = new ListSnapshots();
  readonly #tokens = new Map<string, UserInfo>();
  readonly #watchers = new Set<Watcher>();
  readonly adminToken: string;

  constructor(options: KubeClusterOptions) {
    this.name = options.name;
    this.kinds = new KindRegistry();
    this.store = new ObjectStore(options.historySize ?? 20_000);
    this.authorizer = new RbacAuthorizer(this.store);
    this.rbacEnabled = options.rbac ?? false;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.#gc = new GarbageCollector(this);
    this.adminToken = `admin-${randomBytes(12).toString("hex")}`;
    this.#tokens.set(this.adminToken, {
      username: "kubernetes-admin",
      groups: ["system:masters", "system:authenticated"],
    });
    for (const ns of DEFAULT_NAMESPACES) {
      this.create(this.gvr("", "v1", "namespaces"), { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    }
  }

  // ---------------------------------------------------------------- identities

  /** The user a bearer token stands for, or undefined for an unknown token. */
  authenticate(token: string | undefined): UserInfo | undefined {
    return token ? this.#tokens.get(token) : undefined;
  }

  /** Mints a bearer token for a ServiceAccount, creating the ServiceAccount (and namespace) when missing. */
  tokenForServiceAccount(namespace: string, name: string): string {
    if (!this.store.get("namespaces", "", namespace)) {
      this.create(this.gvr("", "v1", "namespaces"), {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace },
      });
    }
    if (!this.store.get("serviceaccounts", namespace, name)) {
      this.create(this.gvr("", "v1", "serviceaccounts"), {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace },
      });
    }
    const token = `sa-${namespace}-${name}-${randomBytes(12).toString("hex")}`;
    this.#tokens.set(token, serviceAccountUser(namespace, name));
    return token;
  }

  /** Registers a token for an arbitrary user (e.g. a `User` subject in a RoleBinding). */
  addToken(token: string, user: UserInfo): void {
    this.#tokens.set(token, user);
  }

  // ---------------------------------------------------------------- kinds

  gvr(group: string, version: string, resource: string): GroupVersionResource {
    return { group, version, resource };
  }

  /** The kind served at a group/version/resource, or a 404 as kube-apiserver sends for an unknown path. */
  resolve(gvr: GroupVersionResource): ResourceKind {
    const kind = this.kinds.resolve(gvr.group, gvr.version, gvr.resource);
    if (!kind) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    return kind;
  }

  /** A GroupVersionResource for an `apiVersion` + `kind` pair (`apps/v1`, `ReplicaSet`). */
  gvrFor(apiVersion: string, kindName: string): GroupVersionResource {
    const kind = this.kinds.byApiVersionKind(apiVersion, kindName);
    if (!kind) throw new StatusError(404, "NotFound", `no matches for kind "${kindName}" in version "${apiVersion}"`);
    const slash = apiVersion.indexOf("/");
    return { group: kind.group, version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), resource: kind.plural };
  }

  #served(kind: ResourceKind, version: string, obj: KubeObject): KubeObject {
    const apiVersion = apiVersionOf(kind.group, version);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  #storageApiVersion(kind: ResourceKind): string {
    return apiVersionOf(kind.group, kind.versions[0] ?? "v1");
  }

  #nsOf(kind: ResourceKind, namespace: string | undefined): string {
    if (!kind.namespaced) return "";
    if (!namespace) throw badRequest("the server could not find the requested resource: a namespace is required");
    return namespace;
  }

  // ---------------------------------------------------------------- reads

  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject {
    const kind = this.resolve(gvr);
    const obj = this.store.get(groupResource(kind), this.#nsOf(kind, namespace), name);
    if (!obj) throw notFound(kind.group, kind.plural, name);
    return this.#served(kind, gvr.version, obj);
  }

  /** Get or undefined, for in-process callers. */
  tryGet(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined {
    try {
      return this.get(gvr, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }
  }

  list(gvr: GroupVersionResource, options: ListOptions = {}): KubeList {
    const kind = this.resolve(gvr);
    const gr = groupResource(kind);
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : undefined;
    let items: KubeObject[];
    let rv: number;
    let offset = 0;
    let snapshotId: string | undefined;
    if (options.continue) {
      const page = this.#snapshots.resume(options.continue);
      if (!page) {
        throw gone(
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        );
      }
      ({ items, resourceVersion: rv, offset, id: snapshotId } = page);
    } else {
      const rvMatch = options.resourceVersionMatch;
      if (rvMatch && rvMatch !== "NotOlderThan" && rvMatch !== "Exact") {
        throw badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}"`);
      }
      if (
        rvMatch === "Exact" &&
        options.resourceVersion &&
        Number(options.resourceVersion) !== this.store.resourceVersion
      ) {
        throw gone(`too old resource version: ${options.resourceVersion} (${this.store.resourceVersion})`);
      }
      const labels = LabelSelector.parse(options.labelSelector);
      const fields = FieldSelector.parse(options.fieldSelector, kind);
      const namespace = kind.namespaced && options.namespace ? options.namespace : undefined;
      const pinned = fields.name;
      const source =
        pinned !== undefined && (namespace !== undefined || !kind.namespaced)
          ? [this.store.get(gr, namespace ?? "", pinned)].filter((o): o is KubeObject => o !== undefined)
          : this.store.list(gr, namespace);
      items = [];
      for (const o of source) if (labels.matches(o.metadata.labels) && fields.matches(o)) items.push(o);
      items.sort(compareKeys);
      rv = this.store.resourceVersion;
    }
    let page = items;
    let nextToken: string | undefined;
    let remaining: number | undefined;
    if (limit !== undefined && items.length - offset > limit) {
      page = items.slice(offset, offset + limit);
      nextToken = this.#snapshots.save(items, rv, offset + limit, snapshotId);
      remaining = items.length - offset - limit;
    } else if (offset > 0) page = items.slice(offset);
    return {
      apiVersion: apiVersionOf(kind.group, gvr.version),
      kind: kind.listKind,
      metadata: {
        resourceVersion: String(rv),
        ...(nextToken ? { continue: nextToken, remainingItemCount: remaining } : {}),
      },
      items: page.map((o) => this.#served(kind, gvr.version, o)),
    };
  }

  /**
   * Streams changes to `onEvent`: from `resourceVersion` (replaying retained history, or an ERROR event with a
   * 410 Status when it was compacted), or — without one — the current objects as ADDED first. Selectors are
   * applied to both the old and new object, so an object leaving the selection is reported DELETED.
   */
  watch(gvr: GroupVersionResource, options: WatchOptions, onEvent: (event: WatchEvent) => void): Watcher {
    const kind = this.resolve(gvr);
    const gr = groupResource(kind);
    const labels = LabelSelector.parse(options.labelSelector);
    const fields = FieldSelector.parse(options.fieldSelector, kind);
    const namespace = kind.namespaced && options.namespace ? options.namespace : undefined;
    const matches = (o: KubeObject | undefined): boolean =>
      o !== undefined &&
      (namespace === undefined || o.metadata.namespace === namespace) &&
      labels.matches(o.metadata.labels) &&
      fields.matches(o);
    const served = (o: KubeObject) => this.#served(kind, gvr.version, o);
    let stopped = false;
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    const watcher: Watcher = {
      stop: () => {
        if (stopped) return;
        stopped = true;
        unsubscribe();
        if (timer) clearInterval(timer);
        this.#watchers.delete(watcher);
      },
      get stopped() {
        return stopped;
      },
    };
    const deliver: ChangeListener = (ev: ChangeEvent) => {
      if (stopped) return;
      const now = matches(ev.object);
      const before = ev.type === "ADDED" ? false : matches(ev.previous);
      if (ev.type === "DELETED") {
        if (before) onEvent({ type: "DELETED", object: served(ev.object) });
      } else if (now && before) onEvent({ type: "MODIFIED", object: served(ev.object) });
      else if (now) onEvent({ type: "ADDED", object: served(ev.object) });
      else if (before) onEvent({ type: "DELETED", object: served(ev.object) });
    };
    const bookmark = (annotations?: Record<string, string>) =>
      onEvent({
        type: "BOOKMARK",
        object: {
          kind: kind.kind,
          apiVersion: apiVersionOf(kind.group, gvr.version),
          metadata: { resourceVersion: String(this.store.resourceVersion), ...(annotations ? { annotations } : {}) },
        },
      });
    const rvText = options.resourceVersion ?? "";
    const initial = options.sendInitialEvents ?? (rvText === "" || rvText === "0");
    if (rvText !== "" && rvText !== "0" && !/^\d+$/.test(rvText)) {
      throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
    }
    this.#watchers.add(watcher);
    if (initial) {
      const current: KubeObject[] = [];
      for (const o of this.store.list(gr, namespace)) if (matches(o)) current.push(o);
      current.sort(compareKeys);
      for (const o of current) onEvent({ type: "ADDED", object: served(o) });
      if (options.sendInitialEvents && options.allowWatchBookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
    } else {
      const from = rvText === "" || rvText === "0" ? this.store.resourceVersion : Number(rvText);
      const history = this.store.feed.since(Math.min(from, this.store.resourceVersion), gr);
      if (!history) {
        onEvent({
          type: "ERROR",
          object: gone(
            `too old resource version: ${from} (${this.store.feed.oldestResumable + 1})`,
          ).toStatus() as JsonObject,
        });
        watcher.stop();
        return watcher;
      }
      for (const ev of history) deliver(ev);
    }
    if (stopped) return watcher;
    unsubscribe = this.store.feed.subscribe(gr, deliver);
    if (options.allowWatchBookmarks) {
      timer = setInterval(() => bookmark(), this.bookmarkIntervalMs);
      timer.unref();
    }
    return watcher;
  }

  /** Listens to every committed write of one group-resource (or "*"), for in-process controllers. */
  onChange(groupResourceName: string, listener: ChangeListener): () => void {
    return this.store.feed.subscribe(groupResourceName, listener);
  }

  // ---------------------------------------------------------------- writes

  create(gvr: GroupVersionResource, body: unknown, namespace?: string, options: WriteOptions = {}): KubeObject {
    const kind = this.resolve(gvr);
    const obj = this.#decode(kind, gvr, body);
    const ns = this.#targetNamespace(kind, obj, namespace);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (this.store.get(groupResource(kind), ns, meta.name));
    }
    if (kind.namespaced) this.#checkNamespaceOpen(kind, ns, meta.name ?? "");
    if (meta.name && this.store.get(groupResource(kind), ns, meta.name)) {
      throw alreadyExists(kind.group, kind.plural, meta.name);
    }
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if (kind.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    if (kind.subresources.status) delete obj.status;
    applyCreateDefaults(kind, obj, this.#ips);
    this.#validate(kind, obj, gvr.version);
    if (kind.group === "apiextensions.k8s.io" && kind.plural === "customresourcedefinitions") {
      this.#validateCrdNames(obj);
      obj.status = establishedCrdStatus(obj, nowTimestamp());
    }
    if (options.dryRun) return this.#served(kind, gvr.version, obj);
    const stored = this.store.put(groupResource(kind), kind.namespaced, obj);
    this.#afterWrite(kind, undefined, stored);
    return this.#served(kind, gvr.version, stored);
  }

  /** PUT: replaces the object (or its status / scale when `subresource` says so), 409 on a stale resourceVersion. */
  update(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource?: "status",
    options: WriteOptions = {},
  ): KubeObject {
    const kind = this.resolve(gvr);
    const ns = this.#nsOf(kind, namespace);
    const current = this.store.get(groupResource(kind), ns, name);
    if (!current) throw notFound(kind.group, kind.plural, name);
    const incoming = this.#decode(kind, gvr, body);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (kind.namespaced && incoming.metadata.namespace && incoming.metadata.namespace !== ns) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    const rv = incoming.metadata.resourceVersion;
    if (!rv && kind.requireResourceVersionOnUpdate) {
      throw invalid(kind.group, kind.kind, name, [
        invalidValue("metadata.resourceVersion", "0x0", "must be specified for an update"),
      ]);
    }
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(kind.group, kind.plural, name, STALE_OBJECT);
    return this.#commitUpdate(kind, gvr.version, current, incoming, subresource, options);
  }

  /** PATCH with JSON patch, JSON merge patch, strategic merge patch (built-ins) or server-side apply. */
  patch(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    subresource?: "status",
    options: WriteOptions = {},
  ): KubeObject {
    const kind = this.resolve(gvr);
    const ns = this.#nsOf(kind, namespace);
    const current = this.store.get(groupResource(kind), ns, name);
    if (patchType === "strategic" && !kind.strategicMerge) {
      throw new StatusError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    }
    if (patchType === "apply" && !options.fieldManager) {
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    if (!current) {
      if (patchType !== "apply") throw notFound(kind.group, kind.plural, name);
      const body = isJsonObject(patch) ? patch : {};
      const meta = isJsonObject(body.metadata) ? body.metadata : {};
      return this.create(gvr, { ...body, metadata: { ...meta, name } }, ns || undefined, options);
    }
    const base = this.#served(kind, gvr.version, current) as unknown as JsonValue;
    const patched = this.#applyPatch(kind, base, patchType, patch);
    if (!isJsonObject(patched) || !isJsonObject(patched.metadata)) throw badRequest("patch result must be an object");
    const incoming = patched as unknown as KubeObject;
    if (incoming.metadata.name !== name) throw badRequest("metadata.name: the name of a patched object cannot change");
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(kind.group, kind.plural, name, STALE_OBJECT);
    return this.#commitUpdate(kind, gvr.version, current, incoming, subresource, options);
  }

  #applyPatch(kind: ResourceKind, base: JsonValue, patchType: PatchType, patch: unknown): JsonValue {
    switch (patchType) {
      case "json":
        return applyJsonPatch(base, patch);
      case "merge":
        if (!isJsonObject(patch)) throw badRequest("merge patch must be a JSON object");
        return applyMergePatch(base, patch);
      case "strategic":
        return applyStrategicMergePatch(base, patch as JsonValue);
      case "apply": {
        if (!isJsonObject(patch)) throw badRequest("apply patch must be an object");
        // Without managedFields, apply merges the configuration over the live object: fields it names win,
        // list entries merge by key for built-ins. Ownership-based removal of fields is not emulated.
        const { apiVersion: _a, kind: _k, ...rest } = patch;
        return kind.strategicMerge ? applyStrategicMergePatch(base, rest) : applyMergePatch(base, rest);
      }
    }
  }

  /** Reads the autoscaling/v1 Scale view of an object with a scale subresource. */
  getScale(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject {
    const kind = this.resolve(gvr);
    const scale = kind.subresources.scale;
    if (!scale) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    const obj = this.get(gvr, namespace, name);
    let selector = "";
    if (scale.labelSelectorPath) {
      const raw = readPath(obj, scale.labelSelectorPath);
      selector = typeof raw === "string" ? raw : raw ? LabelSelector.fromObject(raw).toString() : "";
    }
    return {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: {
        name,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        uid: obj.metadata.uid ?? "",
        resourceVersion: obj.metadata.resourceVersion ?? "",
        creationTimestamp: obj.metadata.creationTimestamp ?? "",
      },
      spec: { replicas: Number(readPath(obj, scale.specReplicasPath) ?? 0) },
      status: {
        replicas: Number(readPath(obj, scale.statusReplicasPath) ?? 0),
        ...(selector ? { selector } : {}),
      },
    };
  }

  /** Writes `spec.replicas` through the scale subresource; `scale` is a Scale object (or a patch of one). */
  updateScale(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    scaleOrPatch: { patchType?: PatchType; body: unknown },
  ): KubeObject {
    const kind = this.resolve(gvr);
    const paths = kind.subresources.scale;
    if (!paths) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    const currentScale = this.getScale(gvr, namespace, name) as unknown as JsonValue;
    const next = scaleOrPatch.patchType
      ? scaleOrPatch.patchType === "json"
        ? applyJsonPatch(currentScale, scaleOrPatch.body)
        : scaleOrPatch.patchType === "strategic"
          ? applyStrategicMergePatch(currentScale, scaleOrPatch.body as JsonValue)
          : applyMergePatch(currentScale, scaleOrPatch.body as JsonValue)
      : (scaleOrPatch.body as JsonValue);
    const replicas = readPath(next, "spec.replicas");
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid("autoscaling", "Scale", name, [
        invalidValue("spec.replicas", replicas ?? null, "must be greater than or equal to 0"),
      ]);
    }
    const rv = readPath(next, "metadata.resourceVersion");
    const ns = this.#nsOf(kind, namespace);
    const current = this.store.get(groupResource(kind), ns, name);
    if (!current) throw notFound(kind.group, kind.plural, name);
    if (typeof rv === "string" && rv && rv !== current.metadata.resourceVersion) {
      throw conflict(kind.group, kind.plural, name, STALE_OBJECT);
    }
    const updated = cloneJson(current) as unknown as JsonObject;
    setPath(updated, paths.specReplicasPath, replicas);
    this.#commitUpdate(kind, gvr.version, current, updated as unknown as KubeObject, undefined, {});
    return this.getScale(gvr, namespace, name);
  }

  #commitUpdate(
    kind: ResourceKind,
    version: string,
    current: KubeObject,
    incoming: KubeObject,
    subresource: "status" | undefined,
    options: WriteOptions,
  ): KubeObject {
    let next: KubeObject;
    if (subresource === "status") {
      if (!kind.subresources.status)
        throw new StatusError(404, "NotFound", "the server could not find the requested resource");
      next = cloneJson(current);
      if (incoming.status === undefined) delete next.status;
      else next.status = cloneJson(incoming.status);
    } else {
      next = cloneJson(incoming);
      next.apiVersion = this.#storageApiVersion(kind);
      next.kind = kind.kind;
      if (kind.subresources.status) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
      const meta = next.metadata;
      const keep = current.metadata;
      meta.name = keep.name;
      if (kind.namespaced) meta.namespace = keep.namespace;
      else delete meta.namespace;
      meta.uid = keep.uid;
      meta.creationTimestamp = keep.creationTimestamp;
      delete meta.managedFields;
      for (const f of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
        if (keep[f] === undefined) delete meta[f];
        else (meta as Record<string, unknown>)[f] = keep[f];
      }
      if (keep.deletionTimestamp) {
        const added = (meta.finalizers ?? []).filter((f) => !(keep.finalizers ?? []).includes(f));
        if (added.length > 0) {
          throw invalid(kind.group, kind.kind, keep.name ?? "", [
            {
              reason: "FieldValueForbidden",
              message: "Forbidden: no new finalizers can be added if the object is being deleted",
              field: "metadata.finalizers",
            },
          ]);
        }
      }
      if (meta.finalizers?.length === 0) delete meta.finalizers;
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (kind.tracksGeneration && !deepEqual(specPart(kind, next), specPart(kind, current))) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    this.#validate(kind, next, version);
    if (
      kind.group === "apiextensions.k8s.io" &&
      kind.plural === "customresourcedefinitions" &&
      subresource !== "status"
    ) {
      next.status = establishedCrdStatus(next, nowTimestamp());
    }
    if (deepEqual(next, current)) return this.#served(kind, version, current);
    if (options.dryRun) return this.#served(kind, version, next);
    if (next.metadata.deletionTimestamp && !finalizersPending(kind, next)) {
      const tombstone = this.#remove(kind, current);
      return this.#served(kind, version, tombstone);
    }
    const stored = this.store.put(groupResource(kind), kind.namespaced, next);
    this.#afterWrite(kind, current, stored);
    return this.#served(kind, version, stored);
  }

  /**
   * DELETE: with finalizers (or foreground/orphan propagation) the object only gets a deletionTimestamp and
   * waits; otherwise it is removed at once and its dependents are collected in the background.
   */
  delete(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const kind = this.resolve(gvr);
    const ns = this.#nsOf(kind, namespace);
    const current = this.store.get(groupResource(kind), ns, name);
    if (!current) throw notFound(kind.group, kind.plural, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(
        kind.group,
        kind.plural,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        kind.group,
        kind.plural,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    const policy = options.propagationPolicy ?? (options.orphanDependents ? "Orphan" : kind.defaultPropagation);
    if (!["Foreground", "Background", "Orphan"].includes(policy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    const isNamespace = kind.group === "" && kind.plural === "namespaces";
    if (isNamespace && PROTECTED_NAMESPACES.has(name)) {
      throw new StatusError(403, "Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: "namespaces",
      });
    }
    if (options.dryRun) return { deleted: false, object: this.#served(kind, gvr.version, current) };
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (policy === "Foreground" && !finalizers.includes("foregroundDeletion")) finalizers.push("foregroundDeletion");
    if (policy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
    const waitsForNamespace = isNamespace;
    if (finalizers.length === 0 && !waitsForNamespace) {
      const tombstone = this.#remove(kind, current);
      return { deleted: true, object: this.#served(kind, gvr.version, tombstone) };
    }
    if (current.metadata.deletionTimestamp && deepEqual(finalizers, current.metadata.finalizers ?? [])) {
      return { deleted: false, object: this.#served(kind, gvr.version, current) };
    }
    const next = cloneJson(current);
    next.metadata.deletionTimestamp ??= nowTimestamp();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    if (finalizers.length) next.metadata.finalizers = finalizers;
    if (kind.tracksGeneration && !current.metadata.deletionTimestamp) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (isNamespace) next.status = { ...(isJsonObject(next.status) ? next.status : {}), phase: "Terminating" };
    const stored = this.store.put(groupResource(kind), kind.namespaced, next);
    this.#afterWrite(kind, current, stored);
    return { deleted: false, object: this.#served(kind, gvr.version, stored) };
  }

  /** DELETE on a collection: deletes every object the selectors match, returning them. */
  deleteCollection(gvr: GroupVersionResource, listOptions: ListOptions, options: DeleteOptions = {}): KubeList {
    const list = this.list(gvr, { ...listOptions, limit: undefined, continue: undefined });
    const items: KubeObject[] = [];
    for (const o of list.items) {
      try {
        items.push(this.delete(gvr, o.metadata.namespace, o.metadata.name ?? "", options).object);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return { ...list, items };
  }

  /** POST pods/<name>/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429). */
  evict(namespace: string, name: string, body: unknown): void {
    const pods = this.gvr("", "v1", "pods");
    const pod = this.get(pods, namespace, name);
    const eviction = isJsonObject(body) ? body : {};
    const evictionName = isJsonObject(eviction.metadata) ? eviction.metadata.name : undefined;
    if (evictionName !== undefined && evictionName !== name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const pdbs = [...this.store.list("poddisruptionbudgets.policy", namespace)];
    const decision = evictionDecision(pod, pdbs, [...this.store.list("pods", namespace)]);
    if (decision.kind === "refused") throw decision.error;
    if (decision.kind === "allowed" && decision.pdb) {
      const pdb = decision.pdb;
      const status = isJsonObject(pdb.status) ? pdb.status : {};
      const disrupted = isJsonObject(status.disruptedPods) ? status.disruptedPods : {};
      const next = cloneJson(pdb);
      next.status = {
        ...status,
        disruptionsAllowed: Math.max(0, decision.allowed - 1),
        disruptedPods: { ...disrupted, [name]: nowTimestamp() },
      };
      const pdbKind = this.resolve(this.gvr("policy", "v1", "poddisruptionbudgets"));
      this.#commitUpdate(pdbKind, "v1", pdb, next, "status", {});
    }
    const deleteOptions = isJsonObject(eviction.deleteOptions) ? (eviction.deleteOptions as DeleteOptions) : {};
    this.delete(pods, namespace, name, deleteOptions);
  }

  // ---------------------------------------------------------------- internals used by the collectors

  /** Removes an object for good and lets the collectors react. */
  #remove(kind: ResourceKind, current: KubeObject): KubeObject {
    const tombstone = this.store.remove(
      groupResource(kind),
      kind.namespaced,
      current.metadata.namespace ?? "",
      current.metadata.name ?? "",
    );
    if (!tombstone) throw notFound(kind.group, kind.plural, current.metadata.name ?? "");
    if (
      kind.crd === undefined &&
      kind.group === "apiextensions.k8s.io" &&
      kind.plural === "customresourcedefinitions"
    ) {
      this.#unregisterCrd(tombstone);
    }
    this.#gc.objectRemoved(tombstone);
    return tombstone;
  }

  /** For the garbage collector: the kind of a stored object, by uid. */
  kindOfUid(uid: string): ResourceKind | undefined {
    const gr = this.store.groupResourceOfUid(uid);
    if (!gr) return undefined;
    return this.kinds.all().find((k) => groupResource(k) === gr);
  }

  /** For the collectors: writes a new version of a stored object with this cluster's full semantics. */
  writeInternal(kind: ResourceKind, current: KubeObject, next: KubeObject): KubeObject {
    return this.#commitUpdate(kind, kind.versions[0] ?? "v1", current, next, undefined, {});
  }

  deleteInternal(kind: ResourceKind, obj: KubeObject, policy: "Foreground" | "Background" | "Orphan"): void {
    try {
      this.delete(
        { group: kind.group, version: kind.versions[0] ?? "v1", resource: kind.plural },
        obj.metadata.namespace,
        obj.metadata.name ?? "",
        { propagationPolicy: policy },
      );
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  /** Settles pending background work (garbage collection, namespace cleanup) — for tests and benchmarks. */
  async settle(): Promise<void> {
    await this.#gc.idle();
  }

  #afterWrite(kind: ResourceKind, previous: KubeObject | undefined, stored: KubeObject): void {
    if (kind.group === "apiextensions.k8s.io" && kind.plural === "customresourcedefinitions") {
      this.kinds.add(kindFromCrd(stored));
    }
    if (!previous && kind.group === "" && kind.plural === "namespaces") {
      const ns = stored.metadata.name ?? "";
      if (!this.store.get("serviceaccounts", ns, "default")) {
        this.create(this.gvr("", "v1", "serviceaccounts"), {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name: "default", namespace: ns },
        });
      }
    }
    if (stored.metadata.deletionTimestamp) this.#gc.objectTerminating(kind, stored);
  }

  #unregisterCrd(crd: KubeObject): void {
    const spec = (crd.spec ?? {}) as { group?: string; names?: { plural?: string } };
    if (!spec.group || !spec.names?.plural) return;
    const kind = this.kinds.byGroupResource(spec.group, spec.names.plural);
    if (!kind || kind.crd !== crd.metadata.name) return;
    const gr = groupResource(kind);
    for (const o of [...this.store.list(gr)]) {
      const tombstone = this.store.remove(gr, kind.namespaced, o.metadata.namespace ?? "", o.metadata.name ?? "");
      if (tombstone) this.#gc.objectRemoved(tombstone);
    }
    this.kinds.remove(spec.group, spec.names.plural);
  }

  #validateCrdNames(crd: KubeObject): void {
    const causes = validateCrd(crd);
    if (causes.length)
      throw invalid("apiextensions.k8s.io", "CustomResourceDefinition", crd.metadata.name ?? "", causes);
    const proposed = kindFromCrd(crd);
    const existing = this.kinds.byGroupResource(proposed.group, proposed.plural);
    if (existing && existing.crd === undefined) {
      throw invalid("apiextensions.k8s.io", "CustomResourceDefinition", crd.metadata.name ?? "", [
        invalidValue("spec.names.plural", proposed.plural, "conflicts with a built-in resource"),
      ]);
    }
  }

  #validate(kind: ResourceKind, obj: KubeObject, version: string): void {
    const causes = validateObject(kind, obj);
    if (kind.crd !== undefined) causes.push(...validateAndPrune(kind.schemas?.[version], obj as unknown as JsonObject));
    if (kind.group === "apiextensions.k8s.io" && kind.plural === "customresourcedefinitions") {
      causes.push(...validateCrd(obj));
    }
    if (causes.length) throw invalid(kind.group, kind.kind, obj.metadata.name ?? "", causes);
  }

  #decode(kind: ResourceKind, gvr: GroupVersionResource, body: unknown): KubeObject {
    if (!isJsonObject(body)) throw badRequest("the request body must be a JSON object");
    const obj = cloneJson(body) as unknown as KubeObject;
    const expected = apiVersionOf(kind.group, gvr.version);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== kind.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${kind.kind})`);
    }
    if (obj.metadata === undefined) obj.metadata = {};
    if (!isJsonObject(obj.metadata)) throw badRequest("metadata: must be an object");
    obj.apiVersion = this.#storageApiVersion(kind);
    obj.kind = kind.kind;
    return obj;
  }

  #targetNamespace(kind: ResourceKind, obj: KubeObject, namespace: string | undefined): string {
    if (!kind.namespaced) {
      delete obj.metadata.namespace;
      return "";
    }
    const fromBody = obj.metadata.namespace;
    if (namespace && fromBody && fromBody !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    const ns = namespace || fromBody;
    if (!ns) throw badRequest("a namespace is required to create a namespaced object");
    obj.metadata.namespace = ns;
    return ns;
  }

  #checkNamespaceOpen(kind: ResourceKind, namespace: string, name: string): void {
    const ns = this.store.get("namespaces", "", namespace);
    if (!ns) throw notFound("", "namespaces", namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(
        403,
        "Forbidden",
        `${kind.plural}${kind.group ? `.${kind.group}` : ""} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: kind.group,
          kind: kind.plural,
          causes: [
            {
              reason: "NamespaceTerminating",
              message: `namespace ${namespace} is being terminated`,
              field: "metadata.namespace",
            },
          ],
        },
      );
    }
  }

  /** Ends every watch (used on shutdown). */
  stopWatches(): void {
    for (const w of [...this.#watchers]) w.stop();
  }
}

/** Metadata finalizers, plus a namespace's `spec.finalizers` (the namespace controller's own). */
function finalizersPending(kind: ResourceKind, obj: KubeObject): boolean {
  if (obj.metadata.finalizers?.length) return true;
  if (kind.group === "" && kind.plural === "namespaces") {
    const f = readPath(obj, "spec.finalizers");
    return Array.isArray(f) && f.length > 0;
  }
  return false;
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? "";
  const bn = b.metadata.namespace ?? "";
  if (an !== bn) return an < bn ? -1 : 1;
  const a1 = a.metadata.name ?? "";
  const b1 = b.metadata.name ?? "";
  return a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
}

function setPath(target: JsonObject, path: string, value: JsonValue): void {
  const parts = path.split(".");
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (isJsonObject(next)) cur = next;
    else {
      const created: JsonObject = {};
      cur[part] = created;
      cur = created;
    }
  }
  cur[parts[parts.length - 1]!] = value;
}
