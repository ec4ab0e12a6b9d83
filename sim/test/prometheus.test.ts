import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PrometheusSample,
  type PrometheusServer,
  prometheusBinary,
  startPrometheus,
} from "../../test/support/prometheus-server.ts";
import type { KubeSim } from "../src/index.ts";
import { SIM, startSimWithControllers, until, versionReplicaSet } from "./controllers-support.ts";

const STABLE = "6d8c4f7b9";
const CANARY = "9b7d5c8f4";

let sim: KubeSim;
let prometheus: PrometheusServer | undefined;

function query(expr: string): Promise<PrometheusSample[]> {
  if (!prometheus) throw new Error("prometheus is not running");
  return prometheus.query(expr);
}

beforeAll(async () => {
  prometheusBinary();
  sim = await startSimWithControllers({ clusters: ["eu-1", "us-1"] });
  const kc = sim.kubeConfig("eu-1");
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "prom" } } });
  await apps.createNamespacedReplicaSet({
    namespace: "prom",
    body: versionReplicaSet(`web-${STABLE}`, "web", STABLE, 3, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
  });
  await apps.createNamespacedReplicaSet({
    namespace: "prom",
    body: versionReplicaSet(`web-${CANARY}`, "web", CANARY, 1, {
      [`${SIM}/ready-delay-ms`]: "0",
      [`${SIM}/error-rate`]: "0.3",
    }) as k8s.V1ReplicaSet,
  });
  await core.createNamespacedService({
    namespace: "prom",
    body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
  });
  await until(async () => {
    const e = await core.readNamespacedEndpoints({ namespace: "prom", name: "web" });
    return e.subsets?.[0]?.addresses?.length === 4;
  }, "four ready endpoints");
  sim.dataPlane.setTraffic("eu-1", { namespace: "prom", service: "web", rps: 400 });

  prometheus = await startPrometheus(new URL(sim.baseUrl).host);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await sim?.stop();
});

describe("a real Prometheus scraping the emulator", () => {
  it("answers an error-rate query for the bad version", async () => {
    // The first samples need ~6 s (target discovery is throttled); poll `up`, never sleep a fixed time.
    await until(
      async () => {
        prometheus?.assertRunning();
        const up = await query('up{job="kube-sim"}');
        return up[0]?.value[1] === "1";
      },
      "up == 1 for the kube-sim target",
      30_000,
    );
    const rate = (hash: string, codes: string) =>
      `sum(rate(http_requests_total{cluster="eu-1",namespace="prom",service="web",rollouts_pod_template_hash="${hash}",code=~"${codes}"}[5s]))`;
    const errorRate = (hash: string) => `(${rate(hash, "5..")} or vector(0)) / ${rate(hash, ".*")}`;
    const canary = await until(
      async () => {
        const r = await query(errorRate(CANARY));
        const v = Number(r[0]?.value[1]);
        return Number.isFinite(v) && v > 0 && v;
      },
      "an error rate for the canary version",
      30_000,
    );
    expect(canary).toBeGreaterThan(0.25);
    expect(canary).toBeLessThan(0.35);
    const stable = Number((await query(errorRate(STABLE)))[0]?.value[1]);
    expect(stable).toBe(0);
    // Requests split 3:1 by ready pods, so the stable version serves three times the canary's traffic.
    const ratio = Number((await query(`${rate(STABLE, ".*")} / ${rate(CANARY, ".*")}`))[0]?.value[1]);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
  }, 90_000);
});
