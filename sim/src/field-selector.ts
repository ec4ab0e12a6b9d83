import type { KubeObject } from "./kube-object.ts";
import type { ResourceKind } from "./resource-kind.ts";
import { badRequest } from "./status-error.ts";

interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
  read: (obj: KubeObject) => string | undefined;
}

/** A parsed `?fieldSelector=`, checked against the fields the resource supports. */
export class FieldSelector {
  readonly #requirements: FieldRequirement[];

  private constructor(requirements: FieldRequirement[]) {
    this.#requirements = requirements;
  }

  get empty(): boolean {
    return this.#requirements.length === 0;
  }

  /** The exact name this selector pins (`metadata.name=x`), so a lookup can skip the scan. */
  get name(): string | undefined {
    return this.#requirements.find((r) => r.field === "metadata.name" && !r.negate)?.value;
  }

  matches(obj: KubeObject): boolean {
    for (const r of this.#requirements) {
      const actual = r.read(obj) ?? "";
      if ((actual === r.value) === r.negate) return false;
    }
    return true;
  }

  static parse(text: string | null | undefined, kind: ResourceKind): FieldSelector {
    const source = (text ?? "").trim();
    if (!source) return new FieldSelector([]);
    const requirements: FieldRequirement[] = [];
    for (const raw of source.split(",")) {
      const part = raw.trim();
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
      if (!m) throw badRequest(`invalid selector: '${source}'; can't understand '${part}'`);
      const field = m[1]!.trim();
      const read = readerFor(field, kind);
      if (!read) throw badRequest(`field label not supported: ${field}`);
      requirements.push({ field, value: m[3]!.trim(), negate: m[2] === "!=", read });
    }
    return new FieldSelector(requirements);
  }
}

function readerFor(field: string, kind: ResourceKind): ((obj: KubeObject) => string | undefined) | undefined {
  if (field === "metadata.name") return (o) => o.metadata.name;
  if (field === "metadata.namespace") return (o) => o.metadata.namespace ?? "";
  return kind.fieldSelectors[field];
}
