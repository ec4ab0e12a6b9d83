import type { ChangeEvent } from "../src/change-feed.ts";
import type { KubeObject } from "../src/index.ts";
import { type KubeSim, type KubeSimOptions, startKubeSim } from "../src/index.ts";

/** An emulator with the simulated controllers switched on explicitly (whatever the default becomes). */
export function startSimWithControllers(options: Partial<KubeSimOptions> = {}): Promise<KubeSim> {
  return startKubeSim({ clusters: ["eu-1"], controllers: true, ...options });
}

export const SIM = "kube-sim.bellwether.dev";

/** Polls until `check` returns a value other than undefined/false; controllers act asynchronously. */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, false | null | undefined>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A ReplicaSet manifest with a version hash label and behaviour annotations on its pod template. */
export function versionReplicaSet(
  name: string,
  app: string,
  hash: string,
  replicas: number,
  annotations: Record<string, string> = {},
  extraSpec: Record<string, unknown> = {},
): KubeObject {
  const labels = { app, "rollouts-pod-template-hash": hash };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations },
        spec: {
          containers: [{ name: "app", image: `registry.example/${app}:${hash}`, ports: [{ containerPort: 8080 }] }],
        },
      },
      ...extraSpec,
    },
  };
}

/** Records the in-process change feed of a cluster, for asserting the order of writes. */
export function recordChanges(
  sim: KubeSim,
  cluster: string,
  groupResource: string,
): { events: ChangeEvent[]; stop(): void } {
  const events: ChangeEvent[] = [];
  const stop = sim.cluster(cluster).onChange(groupResource, (ev) => events.push(ev));
  return { events, stop };
}
