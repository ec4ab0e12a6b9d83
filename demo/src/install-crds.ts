import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { argoKinds, type KubeClient, resourcePath } from "@bellwether/agent/controller";
import { parse } from "yaml";

const crdDir = path.resolve(import.meta.dirname, "../../charts/agent/crds");

/** Installs the agent chart's CRDs and waits until Rollouts are served. */
export async function installAgentCrds(client: KubeClient): Promise<void> {
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith(".yaml"))) {
    await client.create(
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      parse(readFileSync(path.join(crdDir, file), "utf8")),
    );
  }
  for (let i = 0; i < 100; i++) {
    try {
      await client.get(resourcePath(argoKinds().rollouts, "default"));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("the Rollout CRD was not served in time");
}
