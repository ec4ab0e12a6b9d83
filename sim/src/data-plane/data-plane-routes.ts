import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataPlane } from "./data-plane.ts";
import { DataPlaneError } from "./data-plane-error.ts";

const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const MAX_BODY_BYTES = 64 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new DataPlaneError("invalid", `body: must be at most ${MAX_BODY_BYTES} bytes`, "body");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new DataPlaneError("invalid", "body: must be valid JSON", "body");
  }
}

/**
 * The data plane's control endpoints under the emulator's control prefix (`parts` is the path after it):
 *   GET  metrics                                   Prometheus text for every cluster
 *   GET  clusters/<c>/metrics                      Prometheus text for one cluster
 *   POST clusters/<c>/traffic {namespace, service|host, rps, headers?}   start / change / stop (rps 0) a stream
 *   GET  clusters/<c>/traffic                      every stream with its effective split
 *   GET  clusters/<c>/split?namespace=&service=|host=   one stream's effective split
 *   GET  clusters/<c>/versions?namespace=[&service=][&windowSeconds=]  per-version success / error counts
 *   GET  clusters/<c>/versions/<hash>?namespace=[&service=][&windowSeconds=]  one version (for the Web provider)
 * Returns false when the path is not one of these.
 */
export async function handleDataPlaneRoute(
  dataPlane: DataPlane,
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  query: URLSearchParams,
): Promise<boolean> {
  const send = (code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const method = req.method ?? "GET";
  try {
    if (parts.length === 1 && parts[0] === "metrics" && method === "GET") {
      res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
      res.end(dataPlane.prometheusText());
      return true;
    }
    if (parts[0] !== "clusters" || !parts[1]) return false;
    const cluster = parts[1];
    const action = parts[2];
    if (action === "metrics" && parts.length === 3 && method === "GET") {
      const text = dataPlane.prometheusText(cluster);
      res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
      res.end(text);
      return true;
    }
    if (action === "traffic" && parts.length === 3 && method === "POST") {
      send(200, dataPlane.setTraffic(cluster, await readJson(req)));
      return true;
    }
    if (action === "traffic" && parts.length === 3 && method === "GET") {
      send(200, { streams: dataPlane.streams(cluster) });
      return true;
    }
    const namespace = query.get("namespace");
    if ((action === "split" || action === "versions") && method === "GET" && !namespace) {
      throw new DataPlaneError("invalid", "namespace: query parameter is required", "namespace");
    }
    if (action === "split" && parts.length === 3 && method === "GET") {
      const service = query.get("service") ?? undefined;
      const host = query.get("host") ?? undefined;
      if ((service === undefined) === (host === undefined)) {
        throw new DataPlaneError("invalid", "service: exactly one of service and host must be given", "service");
      }
      const split = dataPlane.split(cluster, {
        namespace: namespace ?? "",
        ...(service !== undefined ? { service } : { host: host ?? "" }),
      });
      if (!split) send(404, { code: "not_found", message: "no traffic stream for this target; POST traffic first" });
      else send(200, split);
      return true;
    }
    if (action === "versions" && method === "GET" && parts.length <= 4) {
      const window = query.get("windowSeconds");
      const versions = dataPlane.versions(
        cluster,
        namespace ?? "",
        query.get("service") ?? undefined,
        window === null ? undefined : Number(window),
      );
      if (parts.length === 3) {
        send(200, { versions });
        return true;
      }
      const hash = parts[3] ?? "";
      send(
        200,
        versions.find((v) => v.version === hash) ?? {
          version: hash,
          requests: 0,
          success: 0,
          errors: 0,
          errorRate: 0,
          successRate: 0,
        },
      );
      return true;
    }
    return false;
  } catch (e) {
    if (!(e instanceof DataPlaneError)) throw e;
    send(e.code === "not_found" ? 404 : 400, {
      code: e.code,
      message: e.message,
      ...(e.field ? { field: e.field } : {}),
    });
    return true;
  }
}
