import { HttpMethod, type KubeConfig, RequestContext, Watch } from "@kubernetes/client-node";
import { fetch } from "undici";
import { KubeApiError } from "./kube-api-error.ts";

export type PatchType = "merge" | "json" | "strategic";
const patchContentType: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** One finished API request, for metrics (`controller_clientset_k8s_request_total`) and request logs. */
export interface KubeRequestRecord {
  verb: string;
  path: string;
  statusCode: number;
  durationMs: number;
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface KubeClientOptions {
  onRequest?: (record: KubeRequestRecord) => void;
  /** Inactivity timeout of a watch; the server's bookmarks keep a healthy watch alive. */
  watchIdleTimeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * A JSON client for any kind, built on client-node's KubeConfig (authentication, TLS) and its Watch. Objects stay
 * plain JSON (no typed model classes, no Date conversion), which is what caches and status writes want.
 */
export class KubeClient {
  readonly config: KubeConfig;
  private readonly options: KubeClientOptions;
  private dispatcher: ReturnType<RequestContext["getDispatcher"]>;

  constructor(config: KubeConfig, options: KubeClientOptions = {}) {
    this.config = config;
    this.options = options;
  }

  private url(path: string, query?: Query): URL {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    const url = new URL(cluster.server.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async request<T>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    init: { query?: Query; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const url = this.url(path, init.query);
    const ctx = new RequestContext(url.toString(), HttpMethod[method]);
    // Authentication is applied per request (tokens from exec plugins rotate), but client-node builds a new
    // connection pool for every request context; reusing the first one keeps connections alive and reused
    // instead of leaving one open socket behind per request.
    await this.config.applySecurityAuthentication(ctx);
    this.dispatcher ??= ctx.getDispatcher();
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: "application/json" };
    if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
    const started = performance.now();
    let statusCode = 0;
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        dispatcher: this.dispatcher,
      });
      statusCode = res.status;
      const text = await res.text();
      const parsed = text ? safeJson(text) : undefined;
      if (res.status >= 300) {
        const status = (parsed ?? {}) as { reason?: string; message?: string };
        throw new KubeApiError(
          res.status,
          status.reason ?? "Unknown",
          status.message ?? `${method} ${path}: HTTP ${res.status}`,
          parsed,
        );
      }
      return parsed as T;
    } finally {
      this.options.onRequest?.({ verb: method, path, statusCode, durationMs: performance.now() - started });
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  replace<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }

  patch<T>(path: string, body: unknown, type: PatchType = "merge"): Promise<T> {
    return this.request<T>("PATCH", path, { body, contentType: patchContentType[type] });
  }

  delete<T>(path: string, query?: Query, body?: unknown): Promise<T> {
    return this.request<T>("DELETE", path, { query, body });
  }

  /**
   * Opens a watch; events arrive through onEvent, and onDone is called once when the watch ends for any reason.
   * Resolves to a function that stops it.
   */
  async watch<T>(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (error: unknown) => void,
  ): Promise<() => void> {
    const w = new Watch(this.config);
    // client-node keeps this knob private; it is the inactivity timeout after which a quiet watch is reopened.
    if (this.options.watchIdleTimeoutMs !== undefined) {
      (w as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.options.watchIdleTimeoutMs;
    }
    const started = performance.now();
    const params = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
    try {
      const controller = await w.watch(
        path,
        params,
        (type, object) => onEvent({ type, object } as WatchEvent<T>),
        onDone,
      );
      this.options.onRequest?.({ verb: "WATCH", path, statusCode: 200, durationMs: performance.now() - started });
      return () => controller.abort();
    } catch (e) {
      const code = (e as { statusCode?: number; code?: number }).statusCode ?? 0;
      this.options.onRequest?.({ verb: "WATCH", path, statusCode: code, durationMs: performance.now() - started });
      throw e;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}
