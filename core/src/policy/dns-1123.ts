const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when `name` is a DNS-1123 label (cluster names): lowercase alphanumerics and '-', at most 63. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && LABEL.test(name);
}

/** True when `name` is a DNS-1123 subdomain (Kubernetes object names): dot-separated labels, at most 253. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split(".").every((part) => LABEL.test(part) && part.length <= 63);
}
