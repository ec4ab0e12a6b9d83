import type { StructuralSchema } from "./crd-schema.ts";
import { isJsonObject, type JsonObject } from "./json-value.ts";
import { type KubeObject, readPath } from "./kube-object.ts";
import { invalidValue, required } from "./object-validation.ts";
import { ALL_VERBS, type PrinterColumn, type ResourceKind, type ScalePaths } from "./resource-kind.ts";
import type { StatusCause } from "./status-error.ts";

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  subresources?: {
    status?: unknown;
    scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath?: string }[];
  schema?: { openAPIV3Schema?: StructuralSchema };
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

const specOf = (crd: KubeObject) => (crd.spec ?? {}) as CrdSpec;

/** The rules kube-apiserver enforces on a CustomResourceDefinition that the emulator depends on. */
export function validateCrd(crd: KubeObject): StatusCause[] {
  const spec = specOf(crd);
  const causes: StatusCause[] = [];
  if (!spec.group) causes.push(required("spec.group"));
  if (!spec.names?.plural) causes.push(required("spec.names.plural"));
  if (!spec.names?.kind) causes.push(required("spec.names.kind"));
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? "")}: supported values: "Cluster", "Namespaced"`,
      field: "spec.scope",
    });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) causes.push(required("spec.versions"));
  for (const [i, v] of versions.entries()) if (!v.name) causes.push(required(`spec.versions[${i}].name`));
  if (versions.length > 0 && versions.filter((v) => v.storage).length !== 1) {
    causes.push(
      invalidValue(
        "spec.versions",
        versions.map((v) => v.name),
        "must have exactly one version marked as storage version",
      ),
    );
  }
  if (spec.group && spec.names?.plural && crd.metadata.name !== `${spec.names.plural}.${spec.group}`) {
    causes.push(invalidValue("metadata.name", crd.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  return causes;
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v] as const;
    const stage = m[2] === "alpha" ? 1 : m[2] === "beta" ? 2 : 3;
    return [1, stage, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa[0] !== pb[0]) return pb[0] - pa[0];
  if (pa[0] === 0) return a.localeCompare(b);
  if (pa[1] !== pb[1]) return (pb[1] as number) - (pa[1] as number);
  if (pa[2] !== pb[2]) return (pb[2] as number) - (pa[2] as number);
  return (pb[3] as number) - (pa[3] as number);
}

const stripDot = (p: string) => p.replace(/^\./, "");

/** The served resource an established CRD declares. */
export function kindFromCrd(crd: KubeObject): ResourceKind {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const versions = (spec.versions ?? []).filter((v) => v.served !== false && v.name);
  const storage = (spec.versions ?? []).find((v) => v.storage) ?? versions[0];
  const scale = storage?.subresources?.scale;
  const scalePaths: ScalePaths | undefined = scale
    ? {
        specReplicasPath: stripDot(scale.specReplicasPath ?? ".spec.replicas"),
        statusReplicasPath: stripDot(scale.statusReplicasPath ?? ".status.replicas"),
        ...(scale.labelSelectorPath ? { labelSelectorPath: stripDot(scale.labelSelectorPath) } : {}),
      }
    : undefined;
  const fieldSelectors: ResourceKind["fieldSelectors"] = {};
  for (const f of storage?.selectableFields ?? []) {
    if (!f.jsonPath) continue;
    const path = stripDot(f.jsonPath);
    fieldSelectors[path] = (o) => {
      const v = readPath(o, path);
      return v === undefined || v === null ? undefined : String(v);
    };
  }
  const kind = names.kind ?? "";
  return {
    group: spec.group ?? "",
    versions: versions.map((v) => v.name as string).sort(compareKubeVersions),
    kind,
    listKind: names.listKind ?? `${kind}List`,
    plural: names.plural ?? "",
    singular: names.singular ?? kind.toLowerCase(),
    namespaced: spec.scope !== "Cluster",
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: ALL_VERBS,
    subresources: { status: storage?.subresources?.status !== undefined, ...(scalePaths ? { scale: scalePaths } : {}) },
    strategicMerge: false,
    tracksGeneration: true,
    requireResourceVersionOnUpdate: true,
    defaultPropagation: "Background",
    fieldSelectors,
    printerColumns: storage?.additionalPrinterColumns ?? [],
    crd: crd.metadata.name ?? "",
    schemas: Object.fromEntries(
      versions
        .filter((v) => v.schema?.openAPIV3Schema)
        .map((v) => [v.name as string, v.schema?.openAPIV3Schema as StructuralSchema]),
    ),
  };
}

/** The status an established CRD reports (what the apiextensions controllers would write). */
export function establishedCrdStatus(crd: KubeObject, now: string): JsonObject {
  const spec = specOf(crd);
  const kind = kindFromCrd(crd);
  const storage = (spec.versions ?? []).find((v) => v.storage)?.name ?? kind.versions[0] ?? "";
  const previous =
    isJsonObject(crd.status) && Array.isArray(crd.status.storedVersions) ? crd.status.storedVersions : [];
  const stored = previous.includes(storage) ? previous : [...previous, storage];
  return {
    acceptedNames: {
      kind: kind.kind,
      listKind: kind.listKind,
      plural: kind.plural,
      singular: kind.singular,
      ...(kind.shortNames.length ? { shortNames: kind.shortNames } : {}),
      ...(kind.categories.length ? { categories: kind.categories } : {}),
    },
    conditions: [
      {
        type: "NamesAccepted",
        status: "True",
        lastTransitionTime: now,
        reason: "NoConflicts",
        message: "no conflicts found",
      },
      {
        type: "Established",
        status: "True",
        lastTransitionTime: now,
        reason: "InitialNamesAccepted",
        message: "the initial names have been accepted",
      },
    ],
    storedVersions: stored,
  };
}
