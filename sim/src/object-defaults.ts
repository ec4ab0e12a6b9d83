import { isJsonObject, type JsonObject } from "./json-value.ts";
import type { KubeObject } from "./kube-object.ts";
import type { ResourceKind } from "./resource-kind.ts";

/** Allocates ClusterIPs from 10.96.0.0/16 and node ports from 30000-32767 for one cluster, without reuse. */
export class ClusterIpAllocator {
  #next = 10;
  #nextNodePort = 30_000;

  allocate(): string {
    const n = this.#next++;
    return `10.96.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
  }

  allocateNodePort(): number {
    const port = this.#nextNodePort;
    this.#nextNodePort = port >= 32_767 ? 30_000 : port + 1;
    return port;
  }
}

function obj(parent: JsonObject, key: string): JsonObject {
  const v = parent[key];
  if (isJsonObject(v)) return v;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

function setDefault(target: JsonObject, key: string, value: JsonObject[string]): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "securityContext", {});
  const containers = [spec.containers, spec.initContainers].flatMap((c) => (Array.isArray(c) ? c : []));
  for (const c of containers) {
    if (!isJsonObject(c)) continue;
    const image = typeof c.image === "string" ? c.image : "";
    const tagless = !/:[^/]+$/.test(image.split("@")[0] ?? "") && !image.includes("@");
    setDefault(c, "imagePullPolicy", tagless || image.endsWith(":latest") ? "Always" : "IfNotPresent");
    setDefault(c, "terminationMessagePath", "/dev/termination-log");
    setDefault(c, "terminationMessagePolicy", "File");
    setDefault(c, "resources", {});
    for (const p of Array.isArray(c.ports) ? c.ports : []) if (isJsonObject(p)) setDefault(p, "protocol", "TCP");
  }
}

function defaultTemplate(spec: JsonObject): void {
  const template = spec.template;
  if (!isJsonObject(template)) return;
  if (isJsonObject(template.spec)) defaultPodSpec(template.spec);
}

/**
 * The defaults kube-apiserver fills in on create, for the fields controllers and clients read back
 * (replicas, strategies, ClusterIPs, pod phase, Job selectors). `uid` is the new object's uid.
 */
export function applyCreateDefaults(kind: ResourceKind, o: KubeObject, ips: ClusterIpAllocator): void {
  const root = o as unknown as JsonObject;
  const id = `${kind.group}/${kind.kind}`;
  switch (id) {
    case "/Namespace":
      setDefault(obj(root, "spec"), "finalizers", ["kubernetes"]);
      root.status = { phase: "Active" };
      break;
    case "/Pod": {
      const spec = obj(root, "spec");
      defaultPodSpec(spec);
      setDefault(spec, "serviceAccountName", "default");
      setDefault(spec, "serviceAccount", spec.serviceAccountName ?? "default");
      setDefault(spec, "enableServiceLinks", true);
      setDefault(spec, "priority", 0);
      root.status = { phase: "Pending", qosClass: "BestEffort" };
      break;
    }
    case "/Service": {
      const spec = obj(root, "spec");
      setDefault(spec, "type", "ClusterIP");
      setDefault(spec, "sessionAffinity", "None");
      if (spec.type !== "ExternalName") {
        if (spec.clusterIP === undefined || spec.clusterIP === "") spec.clusterIP = ips.allocate();
        setDefault(spec, "clusterIPs", [spec.clusterIP as string]);
        setDefault(spec, "ipFamilies", ["IPv4"]);
        setDefault(spec, "ipFamilyPolicy", "SingleStack");
        setDefault(spec, "internalTrafficPolicy", "Cluster");
        if (spec.type === "NodePort" || spec.type === "LoadBalancer")
          setDefault(spec, "externalTrafficPolicy", "Cluster");
      }
      for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
        if (!isJsonObject(p)) continue;
        setDefault(p, "protocol", "TCP");
        setDefault(p, "targetPort", p.port ?? null);
        if (spec.type === "NodePort" || spec.type === "LoadBalancer") setDefault(p, "nodePort", ips.allocateNodePort());
      }
      root.status = { loadBalancer: {} };
      break;
    }
    case "/Secret": {
      setDefault(root, "type", "Opaque");
      if (isJsonObject(root.stringData)) {
        const data = obj(root, "data");
        for (const [k, v] of Object.entries(root.stringData)) data[k] = Buffer.from(String(v)).toString("base64");
        delete root.stringData;
      }
      break;
    }
    case "apps/Deployment": {
      const spec = obj(root, "spec");
      setDefault(spec, "replicas", 1);
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "progressDeadlineSeconds", 600);
      const strategy = obj(spec, "strategy");
      setDefault(strategy, "type", "RollingUpdate");
      if (strategy.type === "RollingUpdate") {
        const ru = obj(strategy, "rollingUpdate");
        setDefault(ru, "maxSurge", "25%");
        setDefault(ru, "maxUnavailable", "25%");
      }
      defaultTemplate(spec);
      break;
    }
    case "apps/StatefulSet": {
      const spec = obj(root, "spec");
      setDefault(spec, "replicas", 1);
      setDefault(spec, "podManagementPolicy", "OrderedReady");
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
      defaultTemplate(spec);
      break;
    }
    case "apps/DaemonSet": {
      const spec = obj(root, "spec");
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      defaultTemplate(spec);
      break;
    }
    case "apps/ReplicaSet": {
      const spec = obj(root, "spec");
      setDefault(spec, "replicas", 1);
      defaultTemplate(spec);
      root.status = { replicas: 0 };
      break;
    }
    case "batch/Job": {
      const spec = obj(root, "spec");
      setDefault(spec, "parallelism", 1);
      setDefault(spec, "completions", 1);
      setDefault(spec, "backoffLimit", 6);
      setDefault(spec, "completionMode", "NonIndexed");
      setDefault(spec, "suspend", false);
      if (spec.manualSelector !== true) {
        const uid = o.metadata.uid ?? "";
        const template = obj(spec, "template");
        const labels = obj(obj(template, "metadata"), "labels");
        const name = o.metadata.name ?? "";
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
        spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
      }
      defaultTemplate(spec);
      break;
    }
    case "apiextensions.k8s.io/CustomResourceDefinition": {
      const spec = obj(root, "spec");
      setDefault(spec, "conversion", { strategy: "None" });
      break;
    }
  }
}
