import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@bellwether/core";
import { describe, expect, it } from "vitest";
import * as agent from "../src/index.ts";

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Engine API names the design fixes (design §1) plus the rollout planning surface the reconciler uses. */
const ENGINE_API = [
  "calculateReplicaCountsForCanary",
  "assessMetricStatus",
  "assessRunStatus",
  "evaluateCondition",
  "evaluateResult",
  "validateRollout",
  "evaluateCanaryStep",
  "calculateRolloutPhase",
  "calculateRolloutConditions",
  "desiredRouterWeight",
  "computePodTemplateHash",
  "calculateNewReplicasForBlueGreen",
  "atDesiredReplicaCountsForCanary",
  "promotePatch",
  "abortPatch",
];

/**
 * Imports `@bellwether/agent` by its package name in a fresh Node process (type stripping, `source` condition)
 * and reports every module URL the import resolved, so nothing loaded behind our back goes unseen.
 */
function loadAgentInFreshProcess(): { exports: string[]; modules: string[] } {
  const script = `
    import { registerHooks } from "node:module";
    const modules = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); modules.push(r.url); return r; } });
    const agent = await import("@bellwether/agent");
    process.stdout.write(JSON.stringify({ exports: Object.keys(agent), modules }));
  `;
  const child = spawnSync(
    process.execPath,
    ["--conditions=source", "--no-warnings", "--input-type=module", "-e", script],
    {
      cwd: agentDir,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  if (child.status !== 0) throw new Error(`importing @bellwether/agent failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { exports: string[]; modules: string[] };
}

describe("@bellwether/agent re-exports the engine", () => {
  it("exposes every @bellwether/core export as the same binding", () => {
    // Entries instead of `ns[name]`: namespace objects are compared as plain maps of bindings.
    const coreEntries = Object.entries(core);
    const agentExports = new Map(Object.entries(agent));
    expect(coreEntries.length).toBeGreaterThan(50);
    for (const [name, value] of coreEntries) expect(agentExports.get(name), name).toBe(value);
    for (const name of ENGINE_API) expect(typeof agentExports.get(name), name).toBe("function");
  });

  it("computes replica counts through the agent entry point", () => {
    const counts = agent.calculateReplicaCountsForCanary(
      {
        metadata: { name: "app" },
        spec: { replicas: 10, strategy: { canary: { maxSurge: 1, maxUnavailable: 1, steps: [{ setWeight: 10 }] } } },
        status: { currentStepIndex: 0, stableRS: "s", currentPodHash: "c" },
      },
      { metadata: { name: "c" }, spec: { replicas: 0 }, status: { availableReplicas: 0 } },
      { metadata: { name: "s" }, spec: { replicas: 10 }, status: { availableReplicas: 10 } },
    );
    expect(counts).toEqual({ canary: 1, stable: 9 });
  });

  it("loads without the Kubernetes client or any I/O module", () => {
    const { exports, modules } = loadAgentInFreshProcess();
    expect(exports).toEqual(expect.arrayContaining(ENGINE_API));
    expect(modules.some((url) => url.endsWith("/core/src/rollout/index.ts"))).toBe(true);
    const offending = modules.filter(
      (url) =>
        url.includes("@kubernetes/client-node") ||
        url.includes("/node_modules/") ||
        /^node:(net|http|https|http2|tls|fs|fs\/promises|child_process|dgram|dns|worker_threads|cluster)$/.test(url),
    );
    expect(offending).toEqual([]);
  });
});
