import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ReplicaSet, Rollout } from "@bellwether/core";
import { type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import { pino } from "pino";
import { parse } from "yaml";
import { Agent, type AgentOptions } from "../../agent/src/controller/agent.ts";
import { KubeClient } from "../../agent/src/kube/kube-client.ts";
import { argoKinds, builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { eventually } from "./eventually.ts";

const root = path.resolve(import.meta.dirname, "../..");
const crdDir = path.join(root, "charts/agent/crds");

/** The agent chart's CRDs, as objects. */
export function agentCrds(): Array<Record<string, unknown>> {
  return readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => parse(readFileSync(path.join(crdDir, f), "utf8")) as Record<string, unknown>);
}

/** Installs the agent's CRDs into an emulated cluster through its HTTP API, as `kubectl apply` would. */
export async function installCrds(client: KubeClient): Promise<void> {
  for (const crd of agentCrds()) {
    await client.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  }
  // CRDs are served once established; wait until the Rollout collection answers.
  await eventually(
    async () => (await client.get(resourcePath(argoKinds().rollouts, "default"))) !== undefined,
    "Rollout kind served",
  );
}

export interface AgentWorld {
  sim: KubeSim;
  cluster: string;
  client: KubeClient;
  agent: Agent;
  rollouts: ReturnType<typeof argoKinds>["rollouts"];
  startAgent(extra?: Partial<AgentOptions>): Promise<Agent>;
  getRollout(namespace: string, name: string): Promise<Rollout>;
  replicaSets(namespace: string, name: string): Promise<ReplicaSet[]>;
  waitForRollout(
    namespace: string,
    name: string,
    what: string,
    check: (r: Rollout) => boolean | Promise<boolean>,
    timeoutMs?: number,
  ): Promise<Rollout>;
  stop(): Promise<void>;
}

/** An emulated cluster with the CRDs installed and one agent running in-process (no leader election by default). */
export async function startAgentWorld(
  options: { cluster?: string; agent?: Partial<AgentOptions>; startAgent?: boolean } = {},
): Promise<AgentWorld> {
  const cluster = options.cluster ?? "eu-1";
  const sim = await startKubeSim({ clusters: [cluster] });
  const client = new KubeClient(sim.kubeConfig(cluster));
  await installCrds(client);
  const kinds = argoKinds();
  const agents: Agent[] = [];
  const world: AgentWorld = {
    sim,
    cluster,
    client,
    agent: undefined as unknown as Agent,
    rollouts: kinds.rollouts,
    async startAgent(extra = {}) {
      const agent = new Agent({
        kubeConfig: sim.kubeConfig(cluster),
        logger: pino({ level: process.env.BW_TEST_LOG ?? "silent" }),
        workers: 2,
        ...options.agent,
        ...extra,
      });
      agents.push(agent);
      await agent.start();
      if (!extra.leaderElection && !options.agent?.leaderElection) await agent.ready();
      world.agent = agent;
      return agent;
    },
    getRollout: (namespace, name) => client.get<Rollout>(resourcePath(kinds.rollouts, namespace, name)),
    async replicaSets(namespace, name) {
      const rollout = await world.getRollout(namespace, name);
      const list = await client.get<{ items: ReplicaSet[] }>(resourcePath(builtins.replicaSets, namespace));
      return list.items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === rollout.metadata.uid));
    },
    async waitForRollout(namespace, name, what, check, timeoutMs = 20_000) {
      let last: Rollout | undefined;
      try {
        return await eventually(
          async () => {
            last = await world.getRollout(namespace, name);
            return (await check(last)) ? last : undefined;
          },
          what,
          timeoutMs,
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status)}`);
      }
    },
    async stop() {
      for (const a of agents) await a.stop().catch(() => {});
      await sim.stop();
    },
  };
  if (options.startAgent !== false) await world.startAgent();
  return world;
}
