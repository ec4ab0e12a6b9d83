import { DURATION_BUCKETS_SECONDS, type RequestMetrics } from "./request-metrics.ts";

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function labels(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

/**
 * Renders the data plane's counters in the Prometheus text exposition format (version 0.0.4):
 * `http_requests_total{cluster,namespace,service,rollouts_pod_template_hash,code}` and the
 * `http_request_duration_seconds` histogram, for one or many clusters under a single HELP/TYPE header each.
 */
export function renderPrometheusText(clusters: Iterable<[string, RequestMetrics]>): string {
  const list = [...clusters];
  const out: string[] = [
    "# HELP http_requests_total Requests answered by the simulated data plane, by version and status code.",
    "# TYPE http_requests_total counter",
  ];
  for (const [cluster, metrics] of list) {
    for (const s of metrics.series()) {
      const base: [string, string][] = [
        ["cluster", cluster],
        ["namespace", s.namespace],
        ["service", s.service],
        ["rollouts_pod_template_hash", s.version],
      ];
      for (const [code, n] of [...s.codes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        out.push(`http_requests_total${labels([...base, ["code", code]])} ${n}`);
      }
    }
  }
  out.push(
    "# HELP http_request_duration_seconds Latency of requests answered by the simulated data plane.",
    "# TYPE http_request_duration_seconds histogram",
  );
  for (const [cluster, metrics] of list) {
    for (const s of metrics.series()) {
      const base: [string, string][] = [
        ["cluster", cluster],
        ["namespace", s.namespace],
        ["service", s.service],
        ["rollouts_pod_template_hash", s.version],
      ];
      let cumulative = 0;
      DURATION_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += s.buckets[i] ?? 0;
        out.push(`http_request_duration_seconds_bucket${labels([...base, ["le", String(bound)]])} ${cumulative}`);
      });
      out.push(`http_request_duration_seconds_bucket${labels([...base, ["le", "+Inf"]])} ${s.count}`);
      out.push(`http_request_duration_seconds_sum${labels(base)} ${s.sumSeconds}`);
      out.push(`http_request_duration_seconds_count${labels(base)} ${s.count}`);
    }
  }
  return `${out.join("\n")}\n`;
}
