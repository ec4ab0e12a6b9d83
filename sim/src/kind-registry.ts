import { builtinKinds } from "./builtin-kinds.ts";
import { groupResource, type ResourceKind } from "./resource-kind.ts";

/** The resources one cluster serves: the built-ins plus every established CustomResourceDefinition. */
export class KindRegistry {
  readonly #byGroupResource = new Map<string, ResourceKind>();
  readonly #byGroupKind = new Map<string, ResourceKind>();

  constructor(kinds: ResourceKind[] = builtinKinds()) {
    for (const k of kinds) this.add(k);
  }

  add(kind: ResourceKind): void {
    const previous = this.#byGroupResource.get(groupResource(kind));
    if (previous) this.#byGroupKind.delete(`${previous.group}/${previous.kind}`);
    this.#byGroupResource.set(groupResource(kind), kind);
    this.#byGroupKind.set(`${kind.group}/${kind.kind}`, kind);
  }

  remove(group: string, plural: string): void {
    const kind = this.#byGroupResource.get(groupResource({ group, plural }));
    if (!kind) return;
    this.#byGroupResource.delete(groupResource(kind));
    this.#byGroupKind.delete(`${kind.group}/${kind.kind}`);
  }

  /** The resource served at `/apis/<group>/<version>/<plural>`, or undefined when that version is not served. */
  resolve(group: string, version: string, plural: string): ResourceKind | undefined {
    const kind = this.#byGroupResource.get(groupResource({ group, plural }));
    return kind?.versions.includes(version) ? kind : undefined;
  }

  byGroupResource(group: string, plural: string): ResourceKind | undefined {
    return this.#byGroupResource.get(groupResource({ group, plural }));
  }

  /** Looks a kind up by `apiVersion` + `kind`, as owner references and manifests name it. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceKind | undefined {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const found = this.#byGroupKind.get(`${group}/${kind}`);
    return found?.versions.includes(version) ? found : undefined;
  }

  all(): ResourceKind[] {
    return [...this.#byGroupResource.values()];
  }

  /** Groups with their served versions, preferred first, in a stable order (core group excluded). */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const k of this.#byGroupResource.values()) {
      if (!k.group) continue;
      const versions = out.get(k.group) ?? [];
      for (const v of k.versions) if (!versions.includes(v)) versions.push(v);
      out.set(k.group, versions);
    }
    return [...out].map(([name, versions]) => ({ name, versions }));
  }
}
