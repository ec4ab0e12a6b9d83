import { DURATION_BUCKETS_SECONDS, type RequestMetrics } from "./request-metrics.ts";

const NEEDS_ESCAPE = /[\\"\n]/;
const escapeLabel = (v: string) =>
  NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;

const BUCKET_LABELS = [...DURATION_BUCKETS_SECONDS.map(String), "+Inf"];

/**
 * Renders the data plane's counters in the Prometheus text exposition format (version 0.0.4):
 * `http_requests_total{cluster,namespace,service,rollouts_pod_template_hash,code}` and the
 * `http_request_duration_seconds` histogram, for one or many clusters under a single HELP/TYPE header each.
 */
export function renderPrometheusText(clusters: Iterable<[string, RequestMetrics]>): string {
  const list = [...clusters].map(([cluster, metrics]) => ({
    cluster: escapeLabel(cluster),
    series: metrics.series(),
  }));
  // The label set shared by a series' lines is built once, not once per line.
  const base = (cluster: string, s: { namespace: string; service: string; version: string }) =>
    `cluster="${cluster}",namespace="${escapeLabel(s.namespace)}",service="${escapeLabel(s.service)}",rollouts_pod_template_hash="${escapeLabel(s.version)}"`;
  const out: string[] = [
    "# HELP http_requests_total Requests answered by the simulated data plane, by version and status code.",
    "# TYPE http_requests_total counter",
  ];
  for (const { cluster, series } of list) {
    for (const s of series) {
      const labels = base(cluster, s);
      const codes = [...s.codes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [code, n] of codes) out.push(`http_requests_total{${labels},code="${escapeLabel(code)}"} ${n}`);
    }
  }
  out.push(
    "# HELP http_request_duration_seconds Latency of requests answered by the simulated data plane.",
    "# TYPE http_request_duration_seconds histogram",
  );
  for (const { cluster, series } of list) {
    for (const s of series) {
      const labels = base(cluster, s);
      let cumulative = 0;
      for (let i = 0; i < BUCKET_LABELS.length; i++) {
        cumulative += s.buckets[i] ?? 0;
        out.push(`http_request_duration_seconds_bucket{${labels},le="${BUCKET_LABELS[i]}"} ${cumulative}`);
      }
      out.push(`http_request_duration_seconds_sum{${labels}} ${s.sumSeconds}`);
      out.push(`http_request_duration_seconds_count{${labels}} ${s.count}`);
    }
  }
  return `${out.join("\n")}\n`;
}
