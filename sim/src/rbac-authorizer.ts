import type { KubeObject } from "./kube-object.ts";
import type { ObjectStore } from "./object-store.ts";
import { StatusError } from "./status-error.ts";

/** Who is calling: a user name and groups, as kube-apiserver's authenticators produce them. */
export interface UserInfo {
  username: string;
  groups: string[];
}

export const CLUSTER_ADMIN: UserInfo = { username: "system:admin", groups: ["system:masters", "system:authenticated"] };
export const ANONYMOUS: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
  };
}

/** What a request asks to do, in RBAC terms. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

const RBAC = "rbac.authorization.k8s.io";
const has = (list: string[] | undefined, value: string) => !!list && (list.includes("*") || list.includes(value));

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes("*") ||
    resources.includes(combined) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return !!a.name && rule.resourceNames.includes(a.name);
  return true;
}

function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "ServiceAccount":
      return user.username === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name}`;
    case "User":
      return user.username === subject.name;
    case "Group":
      return !!subject.name && user.groups.includes(subject.name);
    default:
      return false;
  }
}

/**
 * RBAC as kube-apiserver evaluates it: ClusterRoleBindings grant everywhere, RoleBindings grant in their namespace
 * (to a Role there or a ClusterRole), `system:masters` is always allowed. Nothing is cached: bindings are read
 * from the store on each request, so a grant works the moment it is written.
 */
export class RbacAuthorizer {
  readonly #store: ObjectStore;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  allowed(a: RequestAttributes): boolean {
    if (a.user.groups.includes("system:masters")) return true;
    for (const binding of this.#store.list(`clusterrolebindings.${RBAC}`)) {
      if (!this.#bindingApplies(binding, a.user, "")) continue;
      if (this.#rulesOf(binding, "").some((r) => ruleAllows(r, a))) return true;
    }
    if (a.namespace) {
      for (const binding of this.#store.list(`rolebindings.${RBAC}`, a.namespace)) {
        if (!this.#bindingApplies(binding, a.user, a.namespace)) continue;
        if (this.#rulesOf(binding, a.namespace).some((r) => ruleAllows(r, a))) return true;
      }
    }
    return false;
  }

  /** Throws the 403 kube-apiserver sends when no rule allows the request. */
  authorize(a: RequestAttributes): void {
    if (this.allowed(a)) return;
    throw forbidden(a);
  }

  #bindingApplies(binding: KubeObject, user: UserInfo, namespace: string): boolean {
    const subjects = (binding.subjects as Subject[] | undefined) ?? [];
    return subjects.some((s) => subjectMatches(s, user, namespace));
  }

  #rulesOf(binding: KubeObject, namespace: string): PolicyRule[] {
    const ref = binding.roleRef as { kind?: string; name?: string } | undefined;
    if (!ref?.name) return [];
    const role =
      ref.kind === "Role" && namespace
        ? this.#store.get(`roles.${RBAC}`, namespace, ref.name)
        : ref.kind === "ClusterRole"
          ? this.#store.get(`clusterroles.${RBAC}`, "", ref.name)
          : undefined;
    return (role?.rules as PolicyRule[] | undefined) ?? [];
  }
}

/** `User "x" cannot list resource "rollouts" in API group "argoproj.io" in the namespace "default"`. */
export function forbidden(a: RequestAttributes): StatusError {
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  const message = `${subject} is forbidden: User "${a.user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
  return new StatusError(403, "Forbidden", message, {
    ...(a.name ? { name: a.name } : {}),
    group: a.apiGroup,
    kind: a.resource,
  });
}
