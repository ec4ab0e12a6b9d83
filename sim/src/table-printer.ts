import { isJsonObject } from "./json-value.ts";
import { type KubeObject, readPath } from "./kube-object.ts";
import type { ResourceKind } from "./resource-kind.ts";

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  cell: (obj: KubeObject, nowMs: number) => string | number | boolean | null;
}

/** Kubernetes' short human duration: 45s, 12m, 5h, 3d, 2y. */
export function humanAge(since: string | undefined, nowMs: number): string {
  if (!since) return "<unknown>";
  const seconds = Math.floor((nowMs - Date.parse(since)) / 1000);
  if (Number.isNaN(seconds)) return "<unknown>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 365 * 2 ? `${days}d` : `${Math.floor(days / 365)}y`;
}

const num = (o: KubeObject, path: string) => Number(readPath(o, path) ?? 0);
const name: Column = { name: "Name", type: "string", format: "name", cell: (o) => o.metadata.name ?? "" };
const age: Column = { name: "Age", type: "string", cell: (o, now) => humanAge(o.metadata.creationTimestamp, now) };

function podReady(o: KubeObject): string {
  const containers = readPath(o, "spec.containers");
  const statuses = readPath(o, "status.containerStatuses");
  const total = Array.isArray(containers) ? containers.length : 0;
  const ready = Array.isArray(statuses) ? statuses.filter((s) => isJsonObject(s) && s.ready === true).length : 0;
  return `${ready}/${total}`;
}

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  "/Pod": [
    name,
    { name: "Ready", type: "string", cell: podReady },
    { name: "Status", type: "string", cell: (o) => String(readPath(o, "status.phase") ?? "Pending") },
    { name: "Restarts", type: "string", cell: () => "0" },
    age,
  ],
  "/Namespace": [name, { name: "Status", type: "string", cell: (o) => String(readPath(o, "status.phase") ?? "") }, age],
  "/ConfigMap": [
    name,
    { name: "Data", type: "integer", cell: (o) => Object.keys((o.data as object) ?? {}).length },
    age,
  ],
  "/Service": [
    name,
    { name: "Type", type: "string", cell: (o) => String(readPath(o, "spec.type") ?? "") },
    { name: "Cluster-IP", type: "string", cell: (o) => String(readPath(o, "spec.clusterIP") ?? "") },
    { name: "External-IP", type: "string", cell: () => "<none>" },
    {
      name: "Port(s)",
      type: "string",
      cell: (o) => {
        const ports = readPath(o, "spec.ports");
        return Array.isArray(ports)
          ? ports.map((p) => (isJsonObject(p) ? `${p.port}/${p.protocol ?? "TCP"}` : "")).join(",")
          : "<none>";
      },
    },
    age,
  ],
  "apps/Deployment": [
    name,
    { name: "Ready", type: "string", cell: (o) => `${num(o, "status.readyReplicas")}/${num(o, "spec.replicas")}` },
    { name: "Up-to-date", type: "integer", cell: (o) => num(o, "status.updatedReplicas") },
    { name: "Available", type: "integer", cell: (o) => num(o, "status.availableReplicas") },
    age,
  ],
  "apps/ReplicaSet": [
    name,
    { name: "Desired", type: "integer", cell: (o) => num(o, "spec.replicas") },
    { name: "Current", type: "integer", cell: (o) => num(o, "status.replicas") },
    { name: "Ready", type: "integer", cell: (o) => num(o, "status.readyReplicas") },
    age,
  ],
};

function columnsFor(kind: ResourceKind): Column[] {
  const builtin = BUILTIN_COLUMNS[`${kind.group}/${kind.kind}`];
  if (builtin) return builtin;
  if (kind.printerColumns.length === 0) return [name, age];
  const custom = kind.printerColumns.map(
    (c): Column => ({
      name: c.name,
      type: c.type,
      ...(c.format ? { format: c.format } : {}),
      ...(c.description ? { description: c.description } : {}),
      priority: c.priority ?? 0,
      cell: (o, now) => {
        const v = readPath(o, c.jsonPath.replace(/^\./, ""));
        if (v === undefined || v === null) return null;
        if (c.type === "date") return humanAge(String(v), now);
        return typeof v === "object" ? JSON.stringify(v) : (v as string | number | boolean);
      },
    }),
  );
  return [name, ...custom];
}

/** Whether an Accept header asks for server-side printing (`application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export type IncludeObject = "None" | "Metadata" | "Object";

function rowObject(obj: KubeObject, include: IncludeObject): Record<string, unknown> | null {
  if (include === "None") return null;
  if (include === "Object") return obj as unknown as Record<string, unknown>;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/** A meta.k8s.io/v1 Table of `objects`, the way kube-apiserver answers `kubectl get`. */
export function toTable(
  kind: ResourceKind,
  objects: KubeObject[],
  include: IncludeObject,
  listMeta: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Date.now();
  const columns = columnsFor(kind);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? "",
      description: c.description ?? "",
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({ cells: columns.map((c) => c.cell(o, now)), object: rowObject(o, include) })),
  };
}
