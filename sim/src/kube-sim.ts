import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify as toYaml } from "yaml";
import { ClusterControllers } from "./controllers/cluster-controllers.ts";
import { DataPlane } from "./data-plane/data-plane.ts";
import { handleDataPlaneRoute } from "./data-plane/data-plane-routes.ts";
import { ClusterHttpApi } from "./http-api.ts";
import { KubeCluster, type KubeClusterOptions } from "./kube-cluster.ts";
import { StatusError } from "./status-error.ts";

export interface ClusterSpec {
  name: string;
  rbac?: boolean;
  /** Run the simulated controllers and kubelet (default: the emulator's `controllers` option, else true). */
  controllers?: boolean;
}

export interface KubeSimOptions {
  /** Cluster names (DNS-1123 labels) or specs; more can be added later with `addCluster`. */
  clusters: (string | ClusterSpec)[];
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Writes each cluster's change feed remembers (watch resume window). */
  historySize?: number;
  bookmarkIntervalMs?: number;
  /** Default for every cluster: run simulated controllers (true) or serve a bare API server (false). */
  controllers?: boolean;
  /** Real milliseconds between data-plane ticks while synthetic traffic runs (default 100). */
  trafficTickMs?: number;
}

/** Which identity a kubeconfig carries: the cluster admin (default) or a ServiceAccount's token. */
export interface CredentialOptions {
  serviceAccount?: { namespace: string; name: string };
  token?: string;
  namespace?: string;
}

/** The prefix under which the emulator's own control endpoints live (never a Kubernetes path). */
export const CONTROL_PREFIX = "/_sim";
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Many emulated clusters behind one HTTP server: cluster `x` is served at `/clusters/x` (its kubeconfig's
 * server URL), and `/_sim/...` holds control endpoints (cluster list, request logs, tokens, RBAC switch).
 */
export class KubeSim {
  readonly #server: Server;
  readonly #clusters = new Map<
    string,
    { cluster: KubeCluster; http: ClusterHttpApi; controllers: ClusterControllers | undefined }
  >();
  /** Synthetic traffic and its metrics for every cluster (control API under `/_sim`). */
  readonly dataPlane: DataPlane;
  readonly #options: KubeSimOptions;
  #baseUrl = "";

  constructor(options: KubeSimOptions) {
    this.#options = options;
    this.dataPlane = new DataPlane(options.trafficTickMs !== undefined ? { tickMs: options.trafficTickMs } : {});
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(e));
      });
    });
    this.#server.keepAliveTimeout = 30_000;
    for (const c of options.clusters) this.addCluster(typeof c === "string" ? { name: c } : c);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#options.port ?? 0, this.#options.host ?? "127.0.0.1", () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.#baseUrl = `http://${host}:${address.port}`;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Base URL of the emulator (control API under `/_sim`). */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  addCluster(spec: ClusterSpec): KubeCluster {
    if (!CLUSTER_NAME.test(spec.name) || spec.name.length > 63) {
      throw new TypeError(`clusters: "${spec.name}" is not a DNS-1123 label`);
    }
    if (this.#clusters.has(spec.name)) throw new TypeError(`clusters: "${spec.name}" is listed twice`);
    const options: KubeClusterOptions = { name: spec.name, rbac: spec.rbac ?? false };
    if (this.#options.historySize !== undefined) options.historySize = this.#options.historySize;
    if (this.#options.bookmarkIntervalMs !== undefined) options.bookmarkIntervalMs = this.#options.bookmarkIntervalMs;
    const cluster = new KubeCluster(options);
    const controllers =
      (spec.controllers ?? this.#options.controllers ?? true) ? new ClusterControllers(cluster) : undefined;
    this.#clusters.set(spec.name, { cluster, http: new ClusterHttpApi(cluster), controllers });
    this.dataPlane.addCluster(cluster);
    return cluster;
  }

  clusterNames(): string[] {
    return [...this.#clusters.keys()];
  }

  /** The in-process handle of a cluster: its store, change feed and verbs, for simulated controllers and tests. */
  cluster(name: string): KubeCluster {
    const entry = this.#clusters.get(name);
    if (!entry) throw new TypeError(`cluster "${name}" is not emulated here (have: ${this.clusterNames().join(", ")})`);
    return entry.cluster;
  }

  /** The simulated controllers of a cluster, or undefined when it serves a bare API server. */
  controllers(name: string): ClusterControllers | undefined {
    this.cluster(name);
    return this.#clusters.get(name)?.controllers;
  }

  /** The API server URL of a cluster, as a kubeconfig names it. */
  url(name: string): string {
    this.cluster(name);
    return `${this.#baseUrl}/clusters/${name}`;
  }

  #token(name: string, credentials: CredentialOptions): string {
    const cluster = this.cluster(name);
    if (credentials.token) return credentials.token;
    if (credentials.serviceAccount) {
      return cluster.tokenForServiceAccount(credentials.serviceAccount.namespace, credentials.serviceAccount.name);
    }
    return cluster.adminToken;
  }

  /** A kubeconfig document (plain object) for one cluster. */
  kubeconfigDocument(name: string, credentials: CredentialOptions = {}): Record<string, unknown> {
    const token = this.#token(name, credentials);
    const user = credentials.serviceAccount
      ? `${credentials.serviceAccount.namespace}-${credentials.serviceAccount.name}`
      : "admin";
    return {
      apiVersion: "v1",
      kind: "Config",
      // client-node refuses plain HTTP unless TLS verification is explicitly off; kubectl accepts it either way.
      clusters: [{ name, cluster: { server: this.url(name), "insecure-skip-tls-verify": true } }],
      users: [{ name: `${name}-${user}`, user: { token } }],
      contexts: [
        {
          name,
          context: { cluster: name, user: `${name}-${user}`, namespace: credentials.namespace ?? "default" },
        },
      ],
      "current-context": name,
    };
  }

  /** A client-node KubeConfig for one cluster, as the admin or as a ServiceAccount. */
  kubeConfig(name: string, credentials: CredentialOptions = {}): KubeConfig {
    const kc = new KubeConfig();
    const token = this.#token(name, credentials);
    kc.loadFromOptions({
      clusters: [{ name, server: this.url(name), skipTLSVerify: true }],
      users: [{ name: `${name}-user`, token }],
      contexts: [{ name, cluster: name, user: `${name}-user`, namespace: credentials.namespace ?? "default" }],
      currentContext: name,
    });
    return kc;
  }

  /** Ends every open watch stream of a cluster, as an API server restart would; clients must resume or relist. */
  disconnectWatches(name: string): void {
    const entry = this.#clusters.get(name);
    if (!entry) throw new TypeError(`cluster "${name}" is not emulated here`);
    entry.http.closeWatches();
    entry.cluster.stopWatches();
  }

  async writeKubeconfig(name: string, path: string, credentials: CredentialOptions = {}): Promise<void> {
    await writeFile(path, toYaml(this.kubeconfigDocument(name, credentials)), { mode: 0o600 });
  }

  async stop(): Promise<void> {
    this.dataPlane.stop();
    for (const { cluster, http, controllers } of this.#clusters.values()) {
      controllers?.stop();
      cluster.stopWatches();
      http.closeWatches();
    }
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://kube-sim");
    const path = url.pathname;
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))
      return this.#control(req, res, path, url.searchParams);
    const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(path);
    const entry = m ? this.#clusters.get(m[1]!) : undefined;
    if (!m || !entry) {
      const error = new StatusError(
        404,
        "NotFound",
        m ? `cluster "${m[1]}" is not emulated here` : "the server could not find the requested resource",
      );
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify(error.toStatus()));
      return;
    }
    await entry.http.handle(req, res, m[2] ?? "/", url.searchParams);
  }

  async #control(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const parts = path.slice(CONTROL_PREFIX.length).split("/").filter(Boolean);
    if (parts.length === 1 && parts[0] === "healthz") return send(200, { ok: true });
    if (parts.length === 1 && parts[0] === "clusters" && req.method === "GET") {
      return send(200, { clusters: this.clusterNames().map((name) => ({ name, server: this.url(name) })) });
    }
    if (await handleDataPlaneRoute(this.dataPlane, req, res, parts, query)) return;
    const entry = parts[0] === "clusters" && parts[1] ? this.#clusters.get(parts[1]) : undefined;
    if (!entry) return send(404, { code: "not_found", message: `no such control path ${path}` });
    const cluster = entry.cluster;
    const action = parts[2];
    if (action === "requests" && req.method === "GET") {
      return send(200, {
        requests: cluster.requestLog.entries({
          ...(query.get("verb") ? { verb: query.get("verb") ?? "" } : {}),
          ...(query.get("resource") ? { resource: query.get("resource") ?? "" } : {}),
          ...(query.get("namespace") ? { namespace: query.get("namespace") ?? "" } : {}),
          ...(query.get("user") ? { user: query.get("user") ?? "" } : {}),
        }),
      });
    }
    if (action === "requests" && req.method === "DELETE") {
      cluster.requestLog.clear();
      return send(200, { cleared: true });
    }
    if (action === "kubeconfig" && req.method === "GET") {
      const ns = query.get("serviceAccountNamespace");
      const sa = query.get("serviceAccount");
      const doc = this.kubeconfigDocument(parts[1]!, ns && sa ? { serviceAccount: { namespace: ns, name: sa } } : {});
      res.writeHead(200, { "content-type": "application/yaml" });
      res.end(toYaml(doc));
      return;
    }
    if (action === "rbac" && req.method === "PUT") {
      let text = "";
      for await (const c of req) text += c;
      let enabled: unknown;
      try {
        enabled = (JSON.parse(text) as { enabled?: unknown }).enabled;
      } catch {
        enabled = undefined;
      }
      if (typeof enabled !== "boolean")
        return send(400, { code: "invalid", field: "enabled", message: "enabled: must be a boolean" });
      cluster.rbacEnabled = enabled;
      return send(200, { enabled });
    }
    return send(404, { code: "not_found", message: `no such control path ${path}` });
  }
}

/** Starts an emulator with the given clusters on a local port. */
export async function startKubeSim(options: KubeSimOptions): Promise<KubeSim> {
  const sim = new KubeSim(options);
  await sim.listen();
  return sim;
}
