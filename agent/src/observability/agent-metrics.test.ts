import { describe, expect, it } from "vitest";
import { AgentMetrics, describePath } from "./agent-metrics.ts";

describe("AgentMetrics", () => {
  it("exposes Argo's metric names", async () => {
    const m = new AgentMetrics("0.1.0");
    m.setRollout({
      namespace: "shop",
      name: "web",
      strategy: "canary",
      trafficRouter: "",
      phase: "Progressing",
      desired: 5,
      available: 3,
      updated: 2,
    });
    m.recordRequest("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status", 200);
    m.recordRequest("GET", "/apis/apps/v1/namespaces/shop/replicasets", 200);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'rollout_info{namespace="shop",name="web",strategy="canary",traffic_router="",phase="Progressing"} 1',
    );
    expect(text).toContain('rollout_phase{namespace="shop",name="web",strategy="canary",phase="Healthy"} 0');
    expect(text).toContain('rollout_info_replicas_unavailable{namespace="shop",name="web"} 2');
    expect(text).toContain(
      'controller_clientset_k8s_request_total{kind="rollouts",namespace="shop",name="web",verb="Patch",status_code="200"} 1',
    );
    expect(text).toContain(
      'controller_clientset_k8s_request_total{kind="replicasets",namespace="shop",name="",verb="List",status_code="200"} 1',
    );
    expect(text).toContain('argo_rollouts_controller_info{version="0.1.0"} 1');
  });

  it("keeps exactly one rollout_info series per rollout as the phase changes", async () => {
    const m = new AgentMetrics("x");
    const base = {
      namespace: "a",
      name: "b",
      strategy: "canary",
      trafficRouter: "",
      desired: 1,
      available: 1,
      updated: 1,
    };
    m.setRollout({ ...base, phase: "Progressing" });
    m.setRollout({ ...base, phase: "Healthy" });
    const text = await m.registry.metrics();
    const infoLines = text.split("\n").filter((l) => l.startsWith("rollout_info{"));
    expect(infoLines).toEqual([
      'rollout_info{namespace="a",name="b",strategy="canary",traffic_router="",phase="Healthy"} 1',
    ]);
  });

  it("describes API paths of core and grouped kinds", () => {
    expect(describePath("/api/v1/namespaces/x/pods/p1")).toEqual({ kind: "pods", namespace: "x", name: "p1" });
    expect(describePath("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")).toEqual({
      kind: "leases",
      namespace: "kube-system",
      name: "",
    });
    expect(describePath("/apis/argoproj.io/v1alpha1/clusteranalysistemplates/t")).toEqual({
      kind: "clusteranalysistemplates",
      namespace: "",
      name: "t",
    });
  });
});
