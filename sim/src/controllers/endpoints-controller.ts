import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from "../json-value.ts";
import type { KubeObject } from "../kube-object.ts";
import { LabelSelector } from "../label-selector.ts";
import { StatusError } from "../status-error.ts";
import { type ControllerContext, GR, GVR, key } from "./controller-context.ts";
import { isPodReady, podIp, podPhase } from "./pod-state.ts";

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}

interface ContainerPort {
  name?: string;
  containerPort?: number;
}

/** A Service's selector as a LabelSelector, or undefined when it has none (such Services get no Endpoints). */
export function serviceSelector(service: KubeObject): LabelSelector | undefined {
  const selector = (service.spec as { selector?: unknown } | undefined)?.selector;
  if (!isJsonObject(selector) || Object.keys(selector).length === 0) return undefined;
  try {
    return LabelSelector.fromObject({ matchLabels: selector });
  } catch {
    // An unusable selector selects nothing (this also runs inside other writers' change notifications).
    return undefined;
  }
}

function resolveTargetPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const containers = (
    (pod.spec as { containers?: { ports?: ContainerPort[] }[] } | undefined)?.containers ?? []
  ).flatMap((c) => c.ports ?? []);
  return containers.find((p) => p.name === target)?.containerPort;
}

/**
 * The Endpoints controller: for every Service with a selector, an Endpoints object of the same name listing
 * the matching pods with an IP, ready ones under `addresses` and the rest under `notReadyAddresses`.
 */
export class EndpointsController {
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  /** Services in `namespace` whose selector matches either label set: the ones a pod change can affect. */
  servicesSelecting(namespace: string, ...labelSets: (Record<string, string> | undefined)[]): string[] {
    const out: string[] = [];
    for (const svc of this.#ctx.cluster.store.list(GR.services, namespace)) {
      const selector = serviceSelector(svc);
      if (selector && labelSets.some((labels) => labels !== undefined && selector.matches(labels))) {
        out.push(svc.metadata.name ?? "");
      }
    }
    return out;
  }

  reconcile(namespace: string, name: string): void {
    const ctx = this.#ctx;
    const svc = ctx.cluster.store.get(GR.services, namespace, name);
    const existing = ctx.cluster.store.get(GR.endpoints, namespace, name);
    const selector = svc && !svc.metadata.deletionTimestamp ? serviceSelector(svc) : undefined;
    if (!svc || !selector) {
      // The controller owns Endpoints only for selector Services; hand-made ones for selectorless Services stay.
      if (!svc && existing) this.#write(() => ctx.cluster.delete(GVR.endpoints, namespace, name), namespace, name);
      return;
    }
    const ports = ((svc.spec as { ports?: ServicePort[] }).ports ?? []).filter((p) => p.port !== undefined);
    const groups = new Map<string, { ports: JsonObject[]; ready: JsonObject[]; notReady: JsonObject[] }>();
    const pods = [...ctx.cluster.store.list(GR.pods, namespace)]
      .filter((p) => selector.matches(p.metadata.labels) && !p.metadata.deletionTimestamp && podIp(p))
      .filter((p) => podPhase(p) !== "Succeeded" && podPhase(p) !== "Failed");
    for (const pod of pods) {
      const resolved: JsonObject[] = [];
      for (const port of ports) {
        const target = resolveTargetPort(pod, port);
        if (target === undefined) continue;
        resolved.push({
          ...(port.name ? { name: port.name } : {}),
          port: target,
          protocol: port.protocol ?? "TCP",
        });
      }
      const portKey = JSON.stringify(resolved);
      let group = groups.get(portKey);
      if (!group) {
        group = { ports: resolved, ready: [], notReady: [] };
        groups.set(portKey, group);
      }
      const address: JsonObject = {
        ip: podIp(pod) ?? "",
        targetRef: { kind: "Pod", namespace, name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "" },
      };
      (isPodReady(pod) ? group.ready : group.notReady).push(address);
    }
    const byIp = (a: JsonObject, b: JsonObject) => String(a.ip).localeCompare(String(b.ip), "en", { numeric: true });
    const subsets: JsonValue[] = [...groups.values()].map((g) => {
      const subset: JsonObject = {};
      if (g.ready.length) subset.addresses = g.ready.sort(byIp);
      if (g.notReady.length) subset.notReadyAddresses = g.notReady.sort(byIp);
      if (g.ports.length) subset.ports = g.ports;
      return subset;
    });
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (existing) {
      const sameSubsets = deepEqual(existing.subsets ?? [], subsets);
      if (sameSubsets && deepEqual(existing.metadata.labels ?? {}, labels)) return;
      const next: KubeObject = { ...existing, metadata: { ...existing.metadata, labels } };
      if (subsets.length) next.subsets = subsets;
      else delete next.subsets;
      this.#write(() => ctx.cluster.update(GVR.endpoints, namespace, name, next), namespace, name);
    } else {
      const body: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace, labels } };
      if (subsets.length) body.subsets = subsets;
      this.#write(() => ctx.cluster.create(GVR.endpoints, body, namespace), namespace, name);
    }
  }

  #write(action: () => unknown, namespace: string, name: string): void {
    try {
      action();
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 409) this.#ctx.queue.add(key("svc", namespace, name));
    }
  }
}
