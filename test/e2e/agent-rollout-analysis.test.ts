import type { AnalysisRun, CanaryStep, ReplicaSet, Rollout, RolloutAnalysis } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RolloutCommand } from "../../agent/src/commands/rollout-command.ts";
import { argoKinds, builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";
import { eventually } from "../support/eventually.ts";

const NS = "default";
const SIM = "kube-sim.bellwether.dev";
const kinds = argoKinds();

function hashOf(rs: ReplicaSet): string {
  return rs.metadata.labels?.["rollouts-pod-template-hash"] ?? "";
}

function rolloutManifest(name: string, steps: CanaryStep[], analysis?: RolloutAnalysis & { startingStep?: number }) {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { [`${SIM}/ready-delay-ms`]: "0" } },
        spec: { containers: [{ name: "app", image: "registry.example/app:1.0.0" }] },
      },
      strategy: { canary: { steps, ...(analysis ? { analysis } : {}) } },
    },
  };
}

/** The canary's arguments: the Web metric reads the per-version counts of the latest pod-template hash. */
const latestHash = { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" as const } };

describe("Rollouts drive AnalysisRuns end to end (emulated cluster, Web provider on per-version error counts)", () => {
  let w: AgentWorld;

  const getRun = (name: string) => w.client.get<AnalysisRun>(resourcePath(kinds.analysisRuns, NS, name));

  async function deploy(name: string, manifest: ReturnType<typeof rolloutManifest>): Promise<Rollout> {
    await w.client.create(resourcePath(builtins.services, NS), {
      metadata: { name },
      spec: { selector: { app: name }, ports: [{ port: 80 }] },
    });
    w.sim.dataPlane.setTraffic(w.cluster, { namespace: NS, service: name, rps: 200 });
    await w.client.create(resourcePath(w.rollouts, NS), manifest);
    return w.waitForRollout(NS, name, "initial deploy healthy", (r) => r.status?.phase === "Healthy");
  }

  /** A new image; `errorRate` makes the emulator fail that share of the new version's requests. */
  async function update(name: string, image: string, errorRate?: string): Promise<void> {
    const annotations: Record<string, string | null> = {
      [`${SIM}/ready-delay-ms`]: "0",
      [`${SIM}/error-rate`]: errorRate ?? null,
    };
    await w.client.patch(resourcePath(w.rollouts, NS, name), {
      spec: {
        template: {
          metadata: { annotations },
          spec: { containers: [{ name: "app", image }] },
        },
      },
    });
  }

  async function backOnStable(name: string): Promise<Rollout> {
    return w.waitForRollout(
      NS,
      name,
      "aborted with every pod back on stable",
      async (r) => {
        if (r.status?.phase !== "Degraded" || !r.status.abort) return false;
        const rss = await w.replicaSets(NS, name);
        const canary = rss.find((rs) => hashOf(rs) === r.status?.currentPodHash);
        const stable = rss.find((rs) => hashOf(rs) === r.status?.stableRS);
        return canary?.spec.replicas === 0 && stable?.spec.replicas === 2 && r.status.availableReplicas === 2;
      },
      30_000,
    );
  }

  let commandSeq = 0;
  async function applied(name: string, action: RolloutCommand["action"]): Promise<void> {
    const id = `cmd-${++commandSeq}`;
    const outcome = await w.agent.commands.execute({ id, namespace: NS, name, action, actor: "test" });
    expect(outcome.outcome).toBe("APPLIED");
  }

  /** `<reason>` of each event about `name`, or `<reason>: <message>` with `withMessage`. */
  async function runEvents(name: string, withMessage = false): Promise<string[]> {
    const list = await w.client.get<{
      items: Array<{ reason: string; message: string; involvedObject: { name: string } }>;
    }>(resourcePath(builtins.events, NS));
    return list.items
      .filter((e) => e.involvedObject.name === name)
      .map((e) => (withMessage ? `${e.reason}: ${e.message}` : e.reason));
  }

  beforeAll(async () => {
    w = await startAgentWorld();
    const url = `${w.sim.baseUrl}/_sim/clusters/${w.cluster}/versions/{{args.canary-hash}}?namespace=${NS}&service={{args.service}}`;
    const template = (kind: string, name: string, count?: number, failureCondition?: string) => ({
      apiVersion: "argoproj.io/v1alpha1",
      kind,
      metadata: { name },
      spec: {
        args: [{ name: "canary-hash" }, { name: "service" }],
        metrics: [
          {
            name: "error-rate",
            interval: "1s",
            ...(count !== undefined ? { count } : {}),
            successCondition: failureCondition ? "result < 0" : "result <= 0.05",
            ...(failureCondition ? { failureCondition } : {}),
            provider: { web: { url, jsonPath: "{$.errorRate}" } },
          },
        ],
      },
    });
    await w.client.create(resourcePath(kinds.analysisTemplates, NS), template("AnalysisTemplate", "error-rate", 4));
    // Neither condition holds for a rate in [0, 1]: the run ends Inconclusive.
    await w.client.create(
      resourcePath(kinds.analysisTemplates, NS),
      template("AnalysisTemplate", "undecided", 1, "result > 1"),
    );
    // No count: measures every second until the Rollout terminates it.
    await w.client.create(
      resourcePath(kinds.clusterAnalysisTemplates),
      template("ClusterAnalysisTemplate", "error-rate-continuous"),
    );
  }, 60_000);

  afterAll(async () => {
    await w?.stop();
  });

  const stepAnalysis = (): CanaryStep => ({
    analysis: {
      templates: [{ templateName: "error-rate" }],
      args: [latestHash, { name: "service", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
    },
  });

  it("an analysis step on a good version passes (Step run owned and labelled as Argo's) and the rollout completes", async () => {
    const name = "step-good";
    const initial = await deploy(name, rolloutManifest(name, [{ setWeight: 50 }, stepAnalysis()]));
    await update(name, "registry.example/app:1.1.0");
    const measuring = await w.waitForRollout(
      NS,
      name,
      "at the analysis step with its run measuring",
      (r) => r.status?.canary?.currentStepAnalysisRunStatus?.status === "Running",
      30_000,
    );
    expect(measuring.status?.currentStepIndex).toBe(1);
    expect(measuring.status?.phase).toBe("Progressing");
    const done = await w.waitForRollout(
      NS,
      name,
      "fully promoted after the analysis step",
      (r) =>
        r.status?.phase === "Healthy" &&
        r.status.currentPodHash !== initial.status?.currentPodHash &&
        r.status.stableRS === r.status.currentPodHash,
      30_000,
    );
    const hash = done.status?.currentPodHash ?? "";
    const runName = `${name}-${hash}-2-1`;
    expect(measuring.status?.canary?.currentStepAnalysisRunStatus?.name).toBe(runName);
    // Past the step, Argo no longer reports a current step run.
    expect(done.status?.canary?.currentStepAnalysisRunStatus).toBeUndefined();
    expect(done.status?.currentStepIndex).toBe(2);
    const run = await getRun(runName);
    expect(run.status?.phase).toBe("Successful");
    expect(run.metadata?.labels).toMatchObject({
      "rollout-type": "Step",
      "step-index": "1",
      "rollouts-pod-template-hash": hash,
    });
    expect(run.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Rollout", name, uid: done.metadata.uid, controller: true }),
    ]);
    // Arguments were valued from the Rollout: the latest hash and its name.
    expect(run.spec.args).toEqual(
      expect.arrayContaining([
        { name: "canary-hash", value: hash },
        { name: "service", value: name },
      ]),
    );
    expect(run.status?.metricResults?.[0]?.count).toBe(4);
  }, 60_000);

  it("an analysis step on a bad version fails: abort, every pod back to stable, Degraded with the run's message", async () => {
    const name = "step-bad";
    const initial = await deploy(name, rolloutManifest(name, [{ setWeight: 50 }, stepAnalysis()]));
    await update(name, "registry.example/app:2.0.0", "0.5");
    const aborted = await backOnStable(name);
    expect(aborted.status?.stableRS).toBe(initial.status?.stableRS);
    const runName = `${name}-${aborted.status?.currentPodHash}-2-1`;
    const run = await getRun(runName);
    expect(run.status?.phase).toBe("Failed");
    expect(run.status?.message).toContain("error-rate");
    expect(aborted.status?.canary?.currentStepAnalysisRunStatus).toEqual({
      name: runName,
      status: "Failed",
      message: run.status?.message,
    });
    expect(aborted.status?.message).toBe(
      `RolloutAborted: Rollout aborted update to revision 2: ${run.status?.message}`,
    );
    const progressing = aborted.status?.conditions?.find((c) => c.type === "Progressing");
    expect(progressing).toMatchObject({ status: "False", reason: "RolloutAborted" });
    // As with the abort command, the canary goes back to its first step; the AnalysisRun controller recorded the failure.
    expect(aborted.status?.currentStepIndex).toBe(0);
    await eventually(async () => (await runEvents(runName)).includes("AnalysisRunFailed"), "AnalysisRunFailed event");
    expect(await runEvents(name, true)).toContain(
      `RolloutAborted: Rollout aborted update to revision 2: ${run.status?.message}`,
    );

    // Retry: the failed run is history; the step gets a new run under Argo's next name, which fails again.
    await applied(name, { type: "retry" });
    const again = await w.waitForRollout(
      NS,
      name,
      "aborted again by the retried step's new run",
      (r) => !!r.status?.abort && r.status.canary?.currentStepAnalysisRunStatus?.name === `${runName}.1`,
      30_000,
    );
    expect(again.status?.canary?.currentStepAnalysisRunStatus?.status).toBe("Failed");
    expect((await getRun(runName)).status?.phase).toBe("Failed");
  }, 60_000);

  it("an inconclusive step run pauses the rollout (InconclusiveAnalysisRun); promote moves past the step", async () => {
    const name = "step-undecided";
    const initial = await deploy(
      name,
      rolloutManifest(name, [
        { setWeight: 50 },
        {
          analysis: {
            templates: [{ templateName: "undecided" }],
            args: [latestHash, { name: "service", value: name }],
          },
        },
      ]),
    );
    await update(name, "registry.example/app:1.1.0");
    const paused = await w.waitForRollout(
      NS,
      name,
      "paused on the inconclusive run",
      (r) => r.status?.phase === "Paused" && r.status.currentPodHash !== initial.status?.currentPodHash,
      30_000,
    );
    expect(paused.status?.message).toBe("InconclusiveAnalysisRun");
    expect(paused.status?.currentStepIndex).toBe(1);
    expect(paused.status?.canary?.currentStepAnalysisRunStatus).toMatchObject({
      name: `${name}-${paused.status?.currentPodHash}-2-1`,
      status: "Inconclusive",
    });
    await applied(name, { type: "promote", expectStepIndex: 1 });
    const done = await w.waitForRollout(
      NS,
      name,
      "promoted past the inconclusive step",
      (r) => r.status?.phase === "Healthy" && r.status.stableRS === paused.status?.currentPodHash,
      30_000,
    );
    expect(done.status?.currentStepIndex).toBe(2);
  }, 60_000);

  const background = (name: string) => ({
    templates: [{ templateName: "error-rate-continuous", clusterScope: true }],
    args: [latestHash, { name: "service", value: name }],
    startingStep: 1,
  });

  it("background analysis failing mid-canary aborts the update", async () => {
    const name = "bg-bad";
    await deploy(name, rolloutManifest(name, [{ setWeight: 50 }, { pause: {} }], background(name)));
    await update(name, "registry.example/app:2.0.0", "0.5");
    const aborted = await backOnStable(name);
    const runName = `${name}-${aborted.status?.currentPodHash}-2`;
    const run = await getRun(runName);
    expect(run.status?.phase).toBe("Failed");
    expect(run.metadata?.labels).toMatchObject({ "rollout-type": "Background" });
    expect(run.metadata?.labels?.["step-index"]).toBeUndefined();
    expect(aborted.status?.canary?.currentBackgroundAnalysisRunStatus).toMatchObject({
      name: runName,
      status: "Failed",
    });
    expect(aborted.status?.message).toBe(
      `RolloutAborted: Rollout aborted update to revision 2: ${run.status?.message}`,
    );
  }, 60_000);

  it("background analysis on a good version runs from startingStep and is terminated once fully promoted", async () => {
    const name = "bg-good";
    await deploy(name, rolloutManifest(name, [{ setWeight: 50 }, { pause: { duration: 3 } }], background(name)));
    await update(name, "registry.example/app:1.1.0");
    const paused = await w.waitForRollout(
      NS,
      name,
      "in the timed pause with background analysis running",
      (r) => r.status?.canary?.currentBackgroundAnalysisRunStatus?.status === "Running",
      30_000,
    );
    expect(paused.status?.currentStepIndex).toBe(1);
    const runName = `${name}-${paused.status?.currentPodHash}-2`;
    const done = await w.waitForRollout(
      NS,
      name,
      "fully promoted with the background run terminated",
      (r) =>
        r.status?.phase === "Healthy" &&
        r.status.stableRS === r.status.currentPodHash &&
        r.status.canary?.currentBackgroundAnalysisRunStatus?.status === "Successful",
      30_000,
    );
    expect(done.status?.canary?.currentBackgroundAnalysisRunStatus?.name).toBe(runName);
    const run = await getRun(runName);
    expect(run.spec.terminate).toBe(true);
    expect(run.status?.phase).toBe("Successful");
    expect(run.status?.message).toBe("Run Terminated");
  }, 60_000);

  it("a missing template makes the Rollout Degraded (InvalidSpec naming the template), no run, no crash", async () => {
    const name = "missing-template";
    await deploy(
      name,
      rolloutManifest(name, [{ setWeight: 50 }, { analysis: { templates: [{ templateName: "no-such-template" }] } }]),
    );
    await update(name, "registry.example/app:1.1.0");
    const degraded = await w.waitForRollout(
      NS,
      name,
      "Degraded with InvalidSpec",
      (r) => r.status?.phase === "Degraded",
    );
    expect(degraded.status?.message).toContain("InvalidSpec");
    expect(degraded.status?.message).toContain(
      'spec.strategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate "no-such-template" not found',
    );
    expect(degraded.status?.currentStepIndex).toBe(1);
    const runs = await w.client.get<{ items: AnalysisRun[] }>(resourcePath(kinds.analysisRuns, NS));
    expect(runs.items.filter((r) => r.metadata?.name?.startsWith(name))).toEqual([]);
  }, 60_000);
});
