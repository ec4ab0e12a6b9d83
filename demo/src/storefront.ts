import type { Rollout } from "@bellwether/core";

export const NAMESPACE = "shop";
export const ROLLOUT = "storefront";

/** A Service over every storefront pod (not pinned to a version), so traffic follows the pod ratio. */
export function demoService() {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: ROLLOUT, namespace: NAMESPACE },
    spec: { selector: { app: ROLLOUT }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
}

/** The storefront: 5 pods, a canary with timed pauses and one manual gate. */
export function demoRollout(image: string): Rollout {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: ROLLOUT, namespace: NAMESPACE, labels: { "bellwether.dev/app": ROLLOUT } },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: ROLLOUT } },
      template: {
        metadata: {
          labels: { app: ROLLOUT },
          annotations: {
            "kube-sim.bellwether.dev/ready-delay-ms": "400",
            "kube-sim.bellwether.dev/error-rate": "0.002",
          },
        },
        spec: { containers: [{ name: ROLLOUT, image, ports: [{ name: "http", containerPort: 8080 }] }] },
      },
      strategy: {
        canary: {
          maxSurge: 1,
          maxUnavailable: 0,
          steps: [
            { setWeight: 20 },
            { pause: { duration: "2s" } },
            { setWeight: 40 },
            { pause: {} },
            { setWeight: 80 },
            { pause: { duration: 2 } },
          ],
        },
      },
    },
  };
}
