import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface HubMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  ledgerAppended: Counter;
  sseClients: Gauge;
}

/** A registry per hub instance, so tests can run several hubs in one process. */
export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "bellwether_hub_http_requests_total",
      help: "HTTP requests handled, by route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "bellwether_hub_http_request_duration_seconds",
      help: "HTTP request handling time",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ledgerAppended: new Counter({
      name: "bellwether_hub_ledger_events_appended_total",
      help: "Ledger rows appended by this replica",
      registers: [registry],
    }),
    sseClients: new Gauge({
      name: "bellwether_hub_sse_clients",
      help: "Open SSE change streams",
      registers: [registry],
    }),
  };
}
