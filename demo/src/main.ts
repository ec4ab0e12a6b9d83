/**
 * `./dev demo [--exit]`: the embedded demo. It starts an emulated cluster (the Kubernetes API emulator with its
 * simulated controllers and data plane), runs the Bellwether agent against it, deploys a storefront behind a
 * Service with synthetic traffic, and walks a canary of a new version through its steps, showing live progress:
 * step, pods and traffic per version, and every Event the agent records. With --exit it stops when the canary is
 * done; otherwise the cluster stays up for kubectl (the kubeconfig path is printed) until Ctrl-C.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent, argoKinds, builtins, KubeClient, resourcePath } from "@bellwether/agent/controller";
import { currentSetWeight, type ReplicaSet, type Rollout } from "@bellwether/core";
import { startKubeSim } from "@bellwether/kube-sim";
import { pino } from "pino";
import { installAgentCrds } from "./install-crds.ts";
import { LiveView } from "./live-view.ts";
import { demoRollout, demoService, NAMESPACE, ROLLOUT } from "./storefront.ts";

const args = process.argv.slice(2).filter((a) => a !== "--");
const exitWhenDone = args.includes("--exit");
const timeoutMs = Number(process.env.BW_DEMO_TIMEOUT_MS ?? 180_000);
const CLUSTER = "demo-eu-1";

const view = new LiveView(process.stdout);
const started = Date.now();

async function main(): Promise<number> {
  view.say("Bellwether demo: one emulated cluster, one agent, a canary of a new storefront version.");
  const sim = await startKubeSim({ clusters: [CLUSTER], trafficTickMs: 100 });
  const dir = mkdtempSync(path.join(tmpdir(), "bellwether-demo-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  await sim.writeKubeconfig(CLUSTER, kubeconfig);
  const client = new KubeClient(sim.kubeConfig(CLUSTER));
  await installAgentCrds(client);
  view.say(`cluster ${CLUSTER} is up (kubeconfig: ${kubeconfig})`);

  const agent = new Agent({
    kubeConfig: sim.kubeConfig(CLUSTER),
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    leaderElection: { namespace: "kube-system", identity: "demo-agent", leaseDurationMs: 5_000, retryPeriodMs: 500 },
    metricsAddress: "127.0.0.1:0",
  });
  agent.onEvent((e) => view.event(`${e.type === "Warning" ? "!" : "•"} ${e.reason}: ${e.message}`));
  await agent.start();
  await agent.ready();
  view.say(`agent leads the cluster (epoch ${agent.epoch}); metrics on http://127.0.0.1:${agent.metricsPort}/metrics`);

  const rollouts = argoKinds().rollouts;
  await client.create(resourcePath(builtins.namespaces, undefined), { metadata: { name: NAMESPACE } });
  await client.create(resourcePath(builtins.services, NAMESPACE), demoService());
  await client.create(resourcePath(rollouts, NAMESPACE), demoRollout("registry.example/storefront:1.0.0"));
  sim.dataPlane.setTraffic(CLUSTER, { namespace: NAMESPACE, service: ROLLOUT, rps: 200 });
  view.say(`deployed ${NAMESPACE}/${ROLLOUT} 1.0.0 with 200 requests/s of synthetic traffic`);

  const get = () => client.get<Rollout>(resourcePath(rollouts, NAMESPACE, ROLLOUT));
  const replicaSets = async (uid: string | undefined) =>
    (await client.get<{ items: ReplicaSet[] }>(resourcePath(builtins.replicaSets, NAMESPACE))).items.filter((rs) =>
      rs.metadata.ownerReferences?.some((o) => o.uid === uid),
    );

  const render = async (): Promise<Rollout> => {
    const r = await get();
    const rss = await replicaSets(r.metadata.uid);
    const split = sim.dataPlane.split(CLUSTER, { namespace: NAMESPACE, service: ROLLOUT });
    const steps = r.spec.strategy?.canary?.steps ?? [];
    const s = r.status ?? {};
    const versions = rss
      .filter((rs) => (rs.spec.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0)
      .map((rs) => {
        const hash = rs.metadata.labels?.["rollouts-pod-template-hash"] ?? "";
        const image = rs.spec.template?.spec?.containers?.[0]?.image?.split(":").pop() ?? "?";
        // Right after the route changes there are few requests to measure; show what the objects imply until then.
        const measured = (split?.requestsSinceChange ?? 0) >= 50;
        const share =
          split?.versions
            .filter((v) => v.version === hash)
            .reduce((n, v) => n + (measured ? v.share : v.expectedShare), 0) ?? 0;
        const role = hash === s.stableRS ? "stable" : hash === s.currentPodHash ? "canary" : "old";
        return `${image} (${role}) pods ${rs.status?.availableReplicas ?? 0}/${rs.spec.replicas ?? 0} traffic ${(share * 100).toFixed(0)}%`;
      });
    view.status([
      `phase ${s.phase ?? "?"}${s.message ? ` — ${s.message}` : ""}`,
      `step ${Math.min((s.currentStepIndex ?? 0) + 1, steps.length)}/${steps.length}  weight ${currentSetWeight(r)}%`,
      ...versions.map((v) => `  ${v}`),
    ]);
    return r;
  };

  const deadline = started + timeoutMs;
  const waitFor = async (what: string, done: (r: Rollout) => boolean | Promise<boolean>): Promise<Rollout> => {
    for (;;) {
      const r = await render();
      if (await done(r)) return r;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  await waitFor("the first version to be healthy", (r) => r.status?.phase === "Healthy");
  view.say("1.0.0 is healthy. Releasing 1.1.0 as a canary (set-image through the agent's command module)…");
  const setImage = await agent.commands.execute({
    id: "demo-set-image",
    namespace: NAMESPACE,
    name: ROLLOUT,
    action: { type: "set-image", images: { storefront: "registry.example/storefront:1.1.0" } },
    actor: "user:demo",
  });
  view.say(`set-image: ${setImage.outcome}`);

  let promoted = false;
  let pausedSince = 0;
  const final = await waitFor("the canary to finish", async (r) => {
    const s = r.status ?? {};
    const manualPause =
      (s.pauseConditions ?? []).some((p) => p.reason === "CanaryPauseStep") &&
      r.spec.strategy?.canary?.steps?.[s.currentStepIndex ?? 0]?.pause?.duration === undefined;
    if (manualPause && !promoted) {
      pausedSince ||= Date.now();
      if (Date.now() - pausedSince > 2_000) {
        const outcome = await agent.commands.execute({
          id: "demo-promote",
          namespace: NAMESPACE,
          name: ROLLOUT,
          action: { type: "promote", expectStepIndex: s.currentStepIndex ?? 0, expectPodHash: s.currentPodHash ?? "" },
          actor: "user:demo",
          reason: "looks good",
        });
        view.say(`promote (expecting step ${(s.currentStepIndex ?? 0) + 1}, ${s.currentPodHash}): ${outcome.outcome}`);
        promoted = true;
      }
    }
    return s.phase === "Healthy" && s.stableRS === s.currentPodHash && s.currentPodHash !== undefined && promoted;
  });
  await render();
  view.done(
    `canary complete: 1.1.0 is stable (${final.status?.stableRS}) after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  if (!exitWhenDone) {
    view.say(`the cluster stays up: KUBECONFIG=${kubeconfig} kubectl get rollouts -n ${NAMESPACE}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  }
  await agent.stop();
  await sim.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    view.fail(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
