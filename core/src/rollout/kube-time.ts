/**
 * A Kubernetes `metav1.Time`: RFC 3339 in UTC with whole seconds ("2026-11-22T00:16:24Z"), which is how Argo's
 * controller writes condition and pause times. Sub-second parts are dropped, never rounded up.
 */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
