import type { StructuralSchema } from "./crd-schema.ts";
import type { KubeObject } from "./kube-object.ts";

/** Where a scale subresource reads and writes its numbers (CRD `subresources.scale` paths, without `.`). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/**
 * Everything the server needs to know about one resource: names, scope, subresources and behaviour switches.
 * Resources are identified by group + plural (the "group-resource"); all served versions share one store.
 */
export interface ResourceKind {
  group: string;
  /** Served versions, preferred (storage) first. */
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: { status: boolean; scale?: ScalePaths; eviction?: boolean };
  /** Built-ins accept strategic merge patches; custom resources do not. */
  strategicMerge: boolean;
  tracksGeneration: boolean;
  /** Custom resources refuse an update without metadata.resourceVersion; most built-ins allow it. */
  requireResourceVersionOnUpdate: boolean;
  /** Propagation used when a DELETE names none (batch/v1 Jobs orphan their pods, like the real API). */
  defaultPropagation: "Background" | "Orphan";
  /** Field selectors beyond metadata.name / metadata.namespace. */
  fieldSelectors: Record<string, (obj: KubeObject) => string | undefined>;
  printerColumns: PrinterColumn[];
  /** Name of the CustomResourceDefinition that declared it, for custom resources. */
  crd?: string;
  /** Per served version, the CRD's structural schema (custom resources are validated and pruned by it). */
  schemas?: Record<string, StructuralSchema>;
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function groupResource(kind: Pick<ResourceKind, "group" | "plural">): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
