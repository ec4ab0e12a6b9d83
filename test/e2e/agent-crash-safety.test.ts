import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Rollout } from "@bellwether/core";
import { type KubeSim, startKubeSim } from "@bellwether/kube-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient } from "../../agent/src/kube/kube-client.ts";
import { argoKinds, builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { installCrds } from "../support/agent-harness.ts";
import { type AgentProcess, spawnAgent } from "../support/agent-process.ts";
import { eventually } from "../support/eventually.ts";

const rollouts = argoKinds().rollouts;
const STEPS = [
  { setWeight: 25 },
  { pause: { duration: 1 } },
  { setWeight: 50 },
  { pause: { duration: "1s" } },
  { setWeight: 75 },
  { pause: { duration: 1 } },
];

function rolloutManifest(name: string, image: string): Rollout {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name, namespace: "default" },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { "kube-sim.bellwether.dev/ready-delay-ms": "100" } },
        spec: { containers: [{ name: "app", image }] },
      },
      strategy: { canary: { maxSurge: 1, maxUnavailable: 0, steps: STEPS } },
    },
  };
}

interface KubeEvent {
  reason: string;
  message: string;
  count: number;
  involvedObject: { name: string };
}

describe("agent crash safety and leader handover (real agent processes)", () => {
  let sim: KubeSim;
  let client: KubeClient;
  let dir: string;
  let kubeconfig: string;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    sim = await startKubeSim({ clusters: ["eu-1"] });
    client = new KubeClient(sim.kubeConfig("eu-1"));
    await installCrds(client);
    dir = mkdtempSync(path.join(tmpdir(), "bw-crash-"));
    kubeconfig = path.join(dir, "kubeconfig");
    await sim.writeKubeconfig("eu-1", kubeconfig);
  });
  afterAll(async () => {
    for (const a of agents) await a.kill();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (name: string) => client.get<Rollout>(resourcePath(rollouts, "default", name));

  it("an agent killed at every step resumes without repeating or skipping a step", async () => {
    const name = "crashy";
    let agent = spawnAgent(kubeconfig, "solo-0", ["--leader-elect=false"]);
    agents.push(agent);
    await client.create(resourcePath(rollouts, "default"), rolloutManifest(name, "app:1"));
    await eventually(async () => (await get(name)).status?.phase === "Healthy", "initial deploy healthy", 30_000);

    const oldHash = (await get(name)).status?.currentPodHash;
    await client.patch(resourcePath(rollouts, "default", name), {
      spec: { template: { spec: { containers: [{ name: "app", image: "app:2" }] } } },
    });
    const seen: number[] = [];
    let kills = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const r = await get(name);
      if (r.status?.currentPodHash === oldHash) {
        await new Promise((res) => setTimeout(res, 25));
        continue;
      }
      const index = r.status?.currentStepIndex ?? -1;
      const done =
        r.status?.phase === "Healthy" && r.status?.stableRS === r.status?.currentPodHash && index === STEPS.length;
      if (seen.at(-1) !== index && r.status?.currentPodHash && index >= 0) {
        seen.push(index);
        if (!done) {
          // Kill at this step and start a fresh process: it must pick up exactly here.
          await agent.kill("SIGKILL");
          kills++;
          agent = spawnAgent(kubeconfig, `solo-${kills}`, ["--leader-elect=false"]);
          agents.push(agent);
        }
      }
      if (done) break;
      if (Date.now() > deadline) throw new Error(`did not finish; steps seen ${seen.join(",")}\n${agent.output()}`);
      await new Promise((res) => setTimeout(res, 25));
    }
    // Never backwards and never more than one step at a time between two observations... (polling may merge
    // steps, so the events are the authority on skipping and repeating).
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(kills).toBeGreaterThanOrEqual(3);

    const events = (await client.get<{ items: KubeEvent[] }>(resourcePath(builtins.events, "default"))).items.filter(
      (e) => e.involvedObject.name === name && e.reason === "RolloutStepCompleted",
    );
    const messages = events.map((e) => e.message).sort();
    expect(messages).toEqual([
      "Rollout step 1/6 completed (setWeight: 25)",
      "Rollout step 2/6 completed (pause: 1s)",
      "Rollout step 3/6 completed (setWeight: 50)",
      "Rollout step 4/6 completed (pause: 1s)",
      "Rollout step 5/6 completed (setWeight: 75)",
      "Rollout step 6/6 completed (pause: 1s)",
    ]);
    expect(events.every((e) => e.count === 1)).toBe(true);
    await agent.kill("SIGTERM");
  }, 120_000);

  it("killing the leader hands over within the lease time and the epoch increases", async () => {
    const le = [
      "--leader-elect=true",
      "--leader-election-namespace",
      "kube-system",
      "--lease-name",
      "bw-ha",
      "--lease-duration-ms",
      "2000",
      "--renew-deadline-ms",
      "1500",
      "--retry-period-ms",
      "200",
    ];
    const a = spawnAgent(kubeconfig, "agent-a", le);
    agents.push(a);
    const leasePath = `${resourcePath(builtins.leases, "kube-system")}/bw-ha`;
    const epochPath = `${resourcePath(builtins.configMaps, "kube-system")}/bw-ha-epoch`;
    type Lease = { spec: { holderIdentity?: string } };
    await eventually(
      async () => (await client.get<Lease>(leasePath)).spec.holderIdentity === "agent-a",
      "agent-a leads",
      20_000,
    );
    // The epoch is written right after the lease is taken.
    const epochOf = async (holder: string) => {
      const cm = await client.get<{ data: { epoch: string; holder: string } }>(epochPath);
      return cm.data.holder === holder ? Number(cm.data.epoch) : undefined;
    };
    const epochA = await eventually(() => epochOf("agent-a"), "agent-a's epoch");
    const b = spawnAgent(kubeconfig, "agent-b", le);
    agents.push(b);
    await new Promise((res) => setTimeout(res, 3_000));
    expect((await client.get<Lease>(leasePath)).spec.holderIdentity).toBe("agent-a");

    await a.kill("SIGKILL");
    const killedAt = Date.now();
    await eventually(
      async () => (await client.get<Lease>(leasePath)).spec.holderIdentity === "agent-b",
      "agent-b takes over",
      15_000,
      10,
    );
    const handoverMs = Date.now() - killedAt;
    // The lease lasts 2 s from agent-b's last observation of a renewal, plus one retry period; the rest is slack for
    // a loaded 2-core machine (two node processes and the test share it). Measured alone: ~2.1 s.
    console.info(`leader handover took ${handoverMs} ms (lease 2000 ms, retry 200 ms)`);
    expect(handoverMs).toBeLessThan(2_000 + 200 + 1_500);
    const epochB = await eventually(() => epochOf("agent-b"), "agent-b's epoch");
    expect(epochB).toBe(epochA + 1);

    // The new leader reconciles: a fresh Rollout goes Healthy under agent-b.
    await client.create(resourcePath(rollouts, "default"), rolloutManifest("after-handover", "app:1"));
    await eventually(
      async () => (await get("after-handover")).status?.phase === "Healthy",
      "reconciled by the new leader",
      30_000,
    );
    await b.kill("SIGTERM");
  }, 60_000);
});
