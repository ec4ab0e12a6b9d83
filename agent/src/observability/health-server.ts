import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

/**
 * Serves `/metrics` (Prometheus text) and `/healthz` (JSON, 503 when unhealthy) for the agent, like Argo's
 * controller does on its metrics and health ports (here one address, configurable).
 */
export class HealthServer {
  private readonly server: http.Server;

  constructor(registry: Registry, health: () => HealthReport) {
    this.server = http.createServer((req, res) => {
      const url = req.url?.split("?")[0];
      if (url === "/metrics") {
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": registry.contentType });
            res.end(text);
          },
          (e: Error) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(e.message);
          },
        );
        return;
      }
      if (url === "/healthz" || url === "/readyz") {
        const report = health();
        res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(report));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "NOT_FOUND", message: `no route ${url}` }));
    });
  }

  listen(port: number, host = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
