import { describe, expect, it } from "vitest";
import { KubeCluster } from "../kube-cluster.ts";
import { NginxIngressRouter, routeHost } from "./nginx-ingress-routing.ts";

const INGRESSES = { group: "networking.k8s.io", version: "v1", resource: "ingresses" };

function ingress(cluster: KubeCluster, name: string, host: string, service: string, annotations = {}): void {
  cluster.create(
    INGRESSES,
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, annotations },
      spec: {
        rules: [
          { host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service } } }] } },
        ],
      },
    },
    "default",
  );
}

const canary = (extra: Record<string, string>) => ({ "nginx.ingress.kubernetes.io/canary": "true", ...extra });

describe("routeHost (ingress-nginx canary semantics)", () => {
  it("needs a main Ingress: a canary Ingress alone routes nothing", () => {
    const c = new KubeCluster({ name: "t" });
    ingress(c, "only-canary", "a.example", "canary", canary({ "nginx.ingress.kubernetes.io/canary-weight": "50" }));
    expect(routeHost(c, "default", "a.example")).toBeUndefined();
  });

  it("scales canary-weight by canary-weight-total", () => {
    const c = new KubeCluster({ name: "t" });
    ingress(c, "main", "a.example", "stable");
    ingress(
      c,
      "main-canary",
      "a.example",
      "canary",
      canary({
        "nginx.ingress.kubernetes.io/canary-weight": "25",
        "nginx.ingress.kubernetes.io/canary-weight-total": "1000",
      }),
    );
    expect(routeHost(c, "default", "a.example")?.services).toEqual([
      { service: "stable", weight: 975 },
      { service: "canary", weight: 25 },
    ]);
  });

  it("routes by canary-by-header-value only on an exact match, else falls back to the weight", () => {
    const c = new KubeCluster({ name: "t" });
    ingress(c, "main", "a.example", "stable");
    ingress(
      c,
      "main-canary",
      "a.example",
      "canary",
      canary({
        "nginx.ingress.kubernetes.io/canary-weight": "0",
        "nginx.ingress.kubernetes.io/canary-by-header": "X-Version",
        "nginx.ingress.kubernetes.io/canary-by-header-value": "v2",
      }),
    );
    expect(routeHost(c, "default", "a.example", { "x-version": "v2" })?.services).toEqual([
      { service: "canary", weight: 1 },
    ]);
    // With a header value configured, "always" is just another value.
    expect(routeHost(c, "default", "a.example", { "X-Version": "always" })?.services).toEqual([
      { service: "stable", weight: 100 },
    ]);
  });

  it("reads annotations under a custom prefix only when configured for it", () => {
    const c = new KubeCluster({ name: "t" });
    ingress(c, "main", "a.example", "stable");
    ingress(c, "main-canary", "a.example", "canary", {
      "custom.nginx.org/canary": "true",
      "custom.nginx.org/canary-weight": "40",
    });
    const spec = { namespace: "default", host: "a.example", rps: 1, headers: {} };
    expect(new NginxIngressRouter().route(c, spec)?.services).toEqual([{ service: "stable", weight: 1 }]);
    expect(new NginxIngressRouter("custom.nginx.org").route(c, spec)).toEqual({
      router: "nginx",
      objects: ["Ingress/main", "Ingress/main-canary"],
      services: [
        { service: "stable", weight: 60 },
        { service: "canary", weight: 40 },
      ],
    });
    expect(new NginxIngressRouter().route(c, { namespace: "default", service: "stable", rps: 1, headers: {} })).toBe(
      undefined,
    );
  });
});
