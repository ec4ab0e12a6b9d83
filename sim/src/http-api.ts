import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import {
  AGGREGATED_DISCOVERY_V2,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from "./discovery.ts";
import type { DeleteOptions, GroupVersionResource, KubeCluster, ListOptions, PatchType } from "./kube-cluster.ts";
import { PATCH_CONTENT_TYPES } from "./kube-cluster.ts";
import type { KubeList, KubeObject, WatchEvent } from "./kube-object.ts";
import { ANONYMOUS, type UserInfo } from "./rbac-authorizer.ts";
import type { ResourceKind } from "./resource-kind.ts";
import { methodNotAllowed, StatusError } from "./status-error.ts";
import { type IncludeObject, toTable, wantsTable } from "./table-printer.ts";

/** What a resource request asks for, parsed from its path the way kube-apiserver's RequestInfoFactory does. */
export interface ResourceRequest {
  verb: string;
  gvr: GroupVersionResource;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** How long watch events may wait to be written together with others (bounded added latency). */
const WATCH_FLUSH_WINDOW_MS = 2;

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/** Parses `/api/v1/...` or `/apis/<g>/<v>/...` below the version; undefined for non-resource paths. */
export function parseResourcePath(
  method: string,
  segments: string[],
  query: URLSearchParams,
): ResourceRequest | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === "watch") {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const watch = watchPath || /^(true|1)$/.test(query.get("watch") ?? "");
  let verb: string;
  switch (method) {
    case "GET":
    case "HEAD":
      verb = name ? (watch ? "watch" : "get") : watch ? "watch" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    verb,
    gvr: { group, version, resource },
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string, contentType: string): unknown {
  if (text.trim() === "") return undefined;
  if (contentType.includes("protobuf") || contentType.includes("cbor")) {
    // Decoding protobuf needs the Go types' schemas; clients that can send JSON (client-node, kubectl's dynamic
    // client) always do. A typed kubectl subcommand (`kubectl create configmap`) therefore gets this 415.
    throw new StatusError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  try {
    return contentType.includes("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new StatusError(400, "BadRequest", `the request body could not be decoded: ${(e as Error).message}`);
  }
}

function listOptions(query: URLSearchParams, namespace: string | undefined): ListOptions {
  const limit = query.get("limit");
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    labelSelector: query.get("labelSelector") ?? undefined,
    fieldSelector: query.get("fieldSelector") ?? undefined,
    ...(limit ? { limit: Number(limit) } : {}),
    continue: query.get("continue") ?? undefined,
    resourceVersion: query.get("resourceVersion") ?? undefined,
    resourceVersionMatch: query.get("resourceVersionMatch") ?? undefined,
  };
}

const lineCache = new WeakMap<object, Map<string, Buffer>>();

/**
 * One watch event as an NDJSON line, UTF-8 encoded. Stored objects are frozen and shared, so the bytes for
 * (object, type) are built once and written to every watcher that receives them instead of once per watcher.
 */
function serializedLine(event: WatchEvent): Buffer {
  const object = event.object as object;
  if (!Object.isFrozen(object)) return Buffer.from(`${JSON.stringify(event)}\n`);
  let byType = lineCache.get(object);
  if (!byType) {
    byType = new Map();
    lineCache.set(object, byType);
  }
  let line = byType.get(event.type);
  if (line === undefined) {
    line = Buffer.from(`${JSON.stringify(event)}\n`);
    byType.set(event.type, line);
  }
  return line;
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

function listTable(kind: ResourceKind, list: KubeList, include: IncludeObject): Record<string, unknown> {
  return toTable(kind, list.items, include, list.metadata);
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: DeleteOptions = typeof body === "object" && body !== null ? { ...(body as DeleteOptions) } : {};
  const policy = query.get("propagationPolicy");
  if (policy) options.propagationPolicy = policy as DeleteOptions["propagationPolicy"];
  if (query.get("orphanDependents") === "true") options.orphanDependents = true;
  const grace = query.get("gracePeriodSeconds");
  if (grace) options.gracePeriodSeconds = Number(grace);
  if (query.get("dryRun") === "All") options.dryRun = true;
  return options;
}

/**
 * Serves one cluster's Kubernetes REST API: discovery, the resource verbs, watch streams and subresources.
 * `path` is the request path below the cluster's prefix.
 */
export class ClusterHttpApi {
  readonly #cluster: KubeCluster;
  readonly #openWatches = new Set<ServerResponse>();
  #pendingFlushes: (() => void)[] = [];
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(cluster: KubeCluster) {
    this.#cluster = cluster;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const cluster = this.#cluster;
    const method = req.method ?? "GET";
    const segments = path.split("/").filter((s) => s !== "");
    let user: UserInfo = ANONYMOUS;
    let info: ResourceRequest | undefined;
    let code = 200;
    try {
      const auth = req.headers.authorization;
      const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
      if (token !== undefined) {
        const found = cluster.authenticate(token);
        if (!found) throw new StatusError(401, "Unauthorized", "Unauthorized");
        user = found;
      }
      info = parseResourcePath(method, segments, query);
      if (!info) {
        code = this.#nonResource(req, res, segments, method);
        return;
      }
      if (cluster.rbacEnabled) {
        cluster.authorizer.authorize({
          user,
          verb: info.verb,
          apiGroup: info.gvr.group,
          resource: info.gvr.resource,
          ...(info.subresource ? { subresource: info.subresource } : {}),
          ...(info.namespace ? { namespace: info.namespace } : {}),
          ...(info.name ? { name: info.name } : {}),
        });
      }
      code = await this.#resource(req, res, info, query);
    } catch (e) {
      const error =
        e instanceof StatusError
          ? e
          : new StatusError(500, "InternalError", `Internal error occurred: ${(e as Error).message}`);
      code = error.code;
      if (!res.headersSent) sendJson(res, error.code, error.toStatus());
      else res.end();
    } finally {
      cluster.requestLog.record({
        verb: info?.verb ?? method.toLowerCase(),
        group: info?.gvr.group ?? "",
        version: info?.gvr.version ?? "",
        resource: info?.gvr.resource ?? "",
        ...(info?.subresource ? { subresource: info.subresource } : {}),
        ...(info?.namespace ? { namespace: info.namespace } : {}),
        ...(info?.name ? { name: info.name } : {}),
        user: user.username,
        ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
        code,
        path,
        atMs: Date.now(),
      });
    }
  }

  #nonResource(req: IncomingMessage, res: ServerResponse, segments: string[], method: string): number {
    if (method !== "GET" && method !== "HEAD")
      throw methodNotAllowed(`${method} is not supported on /${segments.join("/")}`);
    const kinds = this.#cluster.kinds;
    const joined = segments.join("/");
    let body: unknown;
    if (joined === "version") body = versionInfo();
    else if (joined === "healthz" || joined === "readyz" || joined === "livez") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return 200;
    } else if ((joined === "api" || joined === "apis") && wantsAggregatedDiscovery(req.headers.accept)) {
      const text = JSON.stringify(aggregatedDiscovery(kinds, joined === "api"));
      res.writeHead(200, { "content-type": AGGREGATED_DISCOVERY_V2, "content-length": Buffer.byteLength(text) });
      res.end(text);
      return 200;
    } else if (joined === "api") body = apiVersions(req.headers.host ?? "127.0.0.1");
    else if (joined === "apis") body = apiGroupList(kinds);
    else if (segments[0] === "api" && segments.length === 2) body = apiResourceList(kinds, "", segments[1]!);
    else if (segments[0] === "apis" && segments.length === 2) body = apiGroup(kinds, segments[1]!);
    else if (segments[0] === "apis" && segments.length === 3) body = apiResourceList(kinds, segments[1]!, segments[2]!);
    if (body === undefined) {
      // OpenAPI documents are not served; kubectl works with --validate=false and falls back for patches.
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    sendJson(res, 200, body);
    return 200;
  }

  async #resource(
    req: IncomingMessage,
    res: ServerResponse,
    info: ResourceRequest,
    query: URLSearchParams,
  ): Promise<number> {
    const cluster = this.#cluster;
    const { gvr, namespace, name, subresource } = info;
    const kind = cluster.resolve(gvr);
    if (kind.namespaced === false && namespace !== undefined && !(gvr.group === "" && gvr.resource === "namespaces")) {
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    const dryRun = query.get("dryRun") === "All";
    const fieldManager = query.get("fieldManager") ?? undefined;
    const contentType = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim();
    const raw = req.method === "GET" || req.method === "HEAD" ? "" : await readBody(req);
    const body = parseBody(raw, contentType);
    const ns = kind.namespaced ? namespace : undefined;

    if (subresource && subresource !== "status" && subresource !== "scale" && subresource !== "eviction") {
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    const table = wantsTable(req.headers.accept) && !subresource ? includeObject(query) : undefined;
    if ((info.verb === "update" || info.verb === "patch") && !name) {
      throw methodNotAllowed(`${req.method} is not supported on a collection of ${gvr.resource}; name an object`);
    }
    switch (info.verb) {
      case "get": {
        if (subresource === "scale") return this.#ok(res, 200, cluster.getScale(gvr, ns, name!));
        if (subresource === "eviction") throw methodNotAllowed("the eviction subresource only accepts create");
        const obj = cluster.get(gvr, ns, name!);
        return this.#ok(
          res,
          200,
          table ? toTable(kind, [obj], table, { resourceVersion: obj.metadata.resourceVersion }) : obj,
        );
      }
      case "list": {
        const list = cluster.list(gvr, listOptions(query, ns));
        return this.#ok(res, 200, table ? listTable(kind, list, table) : list);
      }
      case "watch":
        return this.#watch(
          req,
          res,
          info,
          query,
          table ? (o) => toTable(kind, [o], table, { resourceVersion: o.metadata.resourceVersion }) : undefined,
        );
      case "create":
        if (name && subresource === "eviction" && gvr.resource === "pods") {
          cluster.evict(namespace ?? "", name, body);
          return this.#ok(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
        }
        if (name) throw methodNotAllowed(`POST is not supported on a named ${gvr.resource}`);
        return this.#ok(res, 201, cluster.create(gvr, body, ns, { dryRun, ...(fieldManager ? { fieldManager } : {}) }));
      case "update":
        if (subresource === "scale") return this.#ok(res, 200, cluster.updateScale(gvr, ns, name!, { body }));
        return this.#ok(
          res,
          200,
          cluster.update(gvr, ns, name!, body, subresource === "status" ? "status" : undefined, { dryRun }),
        );
      case "patch": {
        const patchType: PatchType | undefined = PATCH_CONTENT_TYPES[contentType];
        if (!patchType) {
          throw new StatusError(
            415,
            "UnsupportedMediaType",
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          );
        }
        if (subresource === "scale")
          return this.#ok(res, 200, cluster.updateScale(gvr, ns, name!, { patchType, body }));
        const force = query.get("force") === "true";
        return this.#ok(
          res,
          200,
          cluster.patch(gvr, ns, name!, patchType, body, subresource === "status" ? "status" : undefined, {
            dryRun,
            force,
            ...(fieldManager ? { fieldManager } : {}),
          }),
        );
      }
      case "delete": {
        const result = cluster.delete(gvr, ns, name!, deleteOptions(body, query));
        if (!result.deleted) return this.#ok(res, 200, result.object);
        return this.#ok(res, 200, {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Success",
          details: { name, group: gvr.group, kind: gvr.resource, uid: result.object.metadata.uid },
        });
      }
      case "deletecollection":
        return this.#ok(res, 200, cluster.deleteCollection(gvr, listOptions(query, ns), deleteOptions(body, query)));
      default:
        throw methodNotAllowed(`${req.method} is not supported`);
    }
  }

  #ok(res: ServerResponse, code: number, body: unknown): number {
    sendJson(res, code, body);
    return code;
  }

  #watch(
    req: IncomingMessage,
    res: ServerResponse,
    info: ResourceRequest,
    query: URLSearchParams,
    render?: (obj: KubeObject) => Record<string, unknown>,
  ): number {
    const cluster = this.#cluster;
    const fieldSelectors = [query.get("fieldSelector")];
    if (info.name) fieldSelectors.push(`metadata.name=${info.name}`);
    const fieldSelector = fieldSelectors.filter((s) => s).join(",");
    res.writeHead(200, {
      "content-type": "application/json",
      "transfer-encoding": "chunked",
      "cache-control": "no-cache",
    });
    // Clients wait for the headers before they consider a watch established; send them now, not with event one.
    res.flushHeaders();
    this.#openWatches.add(res);
    let ended = false;
    // Events are coalesced over a short window shared by all streams of the cluster: one socket write per
    // stream for a burst instead of one per event, which keeps 100 watchers at 1,000 writes/s cheap.
    let pending: Buffer[] = [];
    let flushScheduled = false;
    const flush = () => {
      flushScheduled = false;
      if (pending.length === 0 || res.writableEnded) return;
      res.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
    };
    const end = () => {
      if (ended) return;
      ended = true;
      watcher?.stop();
      if (timeout) clearTimeout(timeout);
      this.#openWatches.delete(res);
      flush();
      res.end();
    };
    const write = (event: WatchEvent) => {
      if (ended) return;
      pending.push(
        render && event.type !== "BOOKMARK" && event.type !== "ERROR"
          ? Buffer.from(`${JSON.stringify({ type: event.type, object: render(event.object as KubeObject) })}\n`)
          : serializedLine(event),
      );
      if (event.type === "ERROR") {
        queueMicrotask(end);
        return;
      }
      if (!flushScheduled) {
        flushScheduled = true;
        this.#scheduleFlush(flush);
      }
    };
    let watcher: ReturnType<KubeCluster["watch"]> | undefined;
    const timeoutSeconds = Number(query.get("timeoutSeconds") ?? 0);
    const timeout = timeoutSeconds > 0 ? setTimeout(end, timeoutSeconds * 1000) : undefined;
    req.on("close", end);
    res.on("close", end);
    try {
      watcher = cluster.watch(
        info.gvr,
        {
          ...(info.namespace !== undefined && cluster.resolve(info.gvr).namespaced
            ? { namespace: info.namespace }
            : {}),
          labelSelector: query.get("labelSelector") ?? undefined,
          fieldSelector,
          resourceVersion: query.get("resourceVersion") ?? undefined,
          allowWatchBookmarks: query.get("allowWatchBookmarks") === "true",
          sendInitialEvents: query.has("sendInitialEvents") ? query.get("sendInitialEvents") === "true" : undefined,
        },
        write,
      );
    } catch (e) {
      const error = e instanceof StatusError ? e : new StatusError(500, "InternalError", (e as Error).message);
      write({ type: "ERROR", object: error.toStatus() as WatchEvent["object"] });
    }
    if (ended) watcher?.stop();
    return 200;
  }

  #scheduleFlush(flush: () => void): void {
    this.#pendingFlushes.push(flush);
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      const flushes = this.#pendingFlushes;
      this.#pendingFlushes = [];
      for (const f of flushes) f();
    }, WATCH_FLUSH_WINDOW_MS);
  }

  /** Ends every open watch stream (on shutdown, so the server can close). */
  closeWatches(): void {
    for (const res of [...this.#openWatches]) {
      res.end();
      this.#openWatches.delete(res);
    }
  }
}
