import type { KubeObject } from "./kube-object.ts";
import { LabelSelector } from "./label-selector.ts";
import type { ResourceKind } from "./resource-kind.ts";
import type { StatusCause } from "./status-error.ts";

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export const required = (field: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: "Required value",
  field,
});
export const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});

/** Kubernetes' name rule for a resource: labels for namespaces, DNS-1035 for services, subdomains otherwise. */
export function nameProblem(kind: ResourceKind, name: string): string | undefined {
  if (kind.group === "" && kind.plural === "namespaces") {
    return LABEL.test(name) && name.length <= 63 ? undefined : LABEL_MSG;
  }
  if (kind.group === "" && kind.plural === "services") {
    return DNS1035.test(name) && name.length <= 63 ? undefined : DNS1035_MSG;
  }
  if (name.length > 253) return "must be no more than 253 characters";
  return SUBDOMAIN.test(name) ? undefined : SUBDOMAIN_MSG;
}

function labelCauses(map: unknown, field: string, checkValues: boolean): StatusCause[] {
  if (map === undefined) return [];
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    return [invalidValue(field, map, "must be a map of string keys to string values")];
  }
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(map)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : "";
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix && !SUBDOMAIN.test(prefix)) || !QUALIFIED_NAME.test(name) || name.length > 63) {
      causes.push(invalidValue(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.'"));
    }
    if (typeof value !== "string") causes.push(invalidValue(`${field}[${key}]`, value, "must be a string"));
    else if (checkValues && (!LABEL_VALUE.test(value) || value.length > 63)) {
      causes.push(
        invalidValue(
          `${field}`,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
  }
  return causes;
}

/** Field rules of every object plus the few per-kind rules clients rely on (selectors matching templates, ...). */
export function validateObject(kind: ResourceKind, obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name;
  if (!name) causes.push(required("metadata.name"));
  else {
    const problem = nameProblem(kind, name);
    if (problem) causes.push(invalidValue("metadata.name", name, problem));
  }
  causes.push(...labelCauses(obj.metadata.labels, "metadata.labels", true));
  causes.push(...labelCauses(obj.metadata.annotations, "metadata.annotations", false));
  for (const [i, ref] of (obj.metadata.ownerReferences ?? []).entries()) {
    for (const f of ["apiVersion", "kind", "name", "uid"] as const) {
      if (!ref[f]) causes.push(required(`metadata.ownerReferences[${i}].${f}`));
    }
  }
  if ((obj.metadata.ownerReferences ?? []).filter((r) => r.controller).length > 1) {
    causes.push(invalidValue("metadata.ownerReferences", "", "Only one reference can have Controller set to true"));
  }
  const spec = obj.spec as Record<string, unknown> | undefined;
  switch (`${kind.group}/${kind.kind}`) {
    case "/Pod":
      causes.push(...podSpecCauses(spec, "spec"));
      break;
    case "apps/ReplicaSet":
    case "apps/Deployment":
    case "apps/StatefulSet":
    case "apps/DaemonSet":
      causes.push(...selectorTemplateCauses(spec));
      if (typeof spec?.replicas === "number" && spec.replicas < 0) {
        causes.push(invalidValue("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
      }
      break;
    case "batch/Job": {
      const template = spec?.template as { spec?: Record<string, unknown> } | undefined;
      causes.push(...podSpecCauses(template?.spec, "spec.template.spec"));
      const restart = template?.spec?.restartPolicy;
      if (restart !== "Never" && restart !== "OnFailure") {
        causes.push({
          reason: "FieldValueNotSupported",
          message: `Unsupported value: ${JSON.stringify(restart ?? "Always")}: supported values: "OnFailure", "Never"`,
          field: "spec.template.spec.restartPolicy",
        });
      }
      break;
    }
    case "/Service":
      for (const [i, p] of ((spec?.ports as { port?: unknown }[] | undefined) ?? []).entries()) {
        if (typeof p.port !== "number") causes.push(required(`spec.ports[${i}].port`));
      }
      break;
    case "policy/PodDisruptionBudget":
      if (spec?.minAvailable !== undefined && spec?.maxUnavailable !== undefined) {
        causes.push(invalidValue("spec", "", "minAvailable and maxUnavailable cannot be both set"));
      }
      break;
    case "/ConfigMap":
      for (const [k, v] of Object.entries((obj.data as Record<string, unknown> | undefined) ?? {})) {
        if (typeof v !== "string") causes.push(invalidValue(`data[${k}]`, v, "must be a string"));
      }
      break;
  }
  return causes;
}

function podSpecCauses(spec: Record<string, unknown> | undefined, field: string): StatusCause[] {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${field}.containers`)];
  const causes: StatusCause[] = [];
  for (const [i, c] of containers.entries()) {
    const container = c as { name?: unknown; image?: unknown };
    if (typeof container.name !== "string" || !container.name) causes.push(required(`${field}.containers[${i}].name`));
    if (typeof container.image !== "string" || !container.image)
      causes.push(required(`${field}.containers[${i}].image`));
  }
  return causes;
}

function selectorTemplateCauses(spec: Record<string, unknown> | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = spec?.selector;
  const template = spec?.template as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
  if (!selector) causes.push(required("spec.selector"));
  else {
    const parsed = LabelSelector.fromObject(selector, "spec.selector");
    if (parsed.empty) causes.push(invalidValue("spec.selector", selector, "empty selector is invalid for deployment"));
    else if (!parsed.matches(template?.metadata?.labels)) {
      causes.push(
        invalidValue(
          "spec.template.metadata.labels",
          template?.metadata?.labels ?? {},
          "`selector` does not match template `labels`",
        ),
      );
    }
  }
  causes.push(...podSpecCauses(template?.spec, "spec.template.spec"));
  return causes;
}
