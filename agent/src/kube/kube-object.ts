/** The parts of any Kubernetes object the runtime relies on; everything else stays plain JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    managedFields?: unknown;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface KubeList<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** Anything with object metadata: what caches and informers need. */
export interface HasMetadata {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; managedFields?: unknown };
}

/** "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(o: { metadata: { name?: string; namespace?: string } }): string {
  const name = o.metadata.name ?? "";
  return o.metadata.namespace ? `${o.metadata.namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
