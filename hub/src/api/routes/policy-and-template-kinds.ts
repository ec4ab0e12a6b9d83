import { validatePolicy } from "@bellwether/core";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../../store/database.ts";
import { analysisTemplates, clusterRollouts, clusters, rolloutPolicies } from "../../store/schema.ts";
import { validateTemplateSpec } from "../template-validation.ts";
import type { VersionedKind } from "./versioned-routes.ts";

/** Template names a policy spec refers to, with the field that names each. */
function templateReferences(spec: Record<string, unknown>): Array<{ name: string; field: string }> {
  const refs: Array<{ name: string; field: string }> = [];
  if (Array.isArray(spec.requiredAnalysis)) {
    spec.requiredAnalysis.forEach((name, i) => {
      if (typeof name === "string") refs.push({ name, field: `requiredAnalysis[${i}]` });
    });
  }
  if (Array.isArray(spec.steps)) {
    spec.steps.forEach((step, i) => {
      const templates = (step as { analysis?: { templates?: unknown } })?.analysis?.templates;
      if (!Array.isArray(templates)) return;
      templates.forEach((t, j) => {
        const name = (t as { templateName?: unknown })?.templateName;
        if (typeof name === "string") refs.push({ name, field: `steps[${i}].analysis.templates[${j}].templateName` });
      });
    });
  }
  return refs;
}

function referencesTemplate(spec: Record<string, unknown>, template: string): boolean {
  return templateReferences(spec).some((r) => r.name === template);
}

export const templateKind: VersionedKind = {
  path: "analysis-templates",
  noun: "template",
  table: analysisTemplates,
  validate: (spec, name) => validateTemplateSpec(name, spec),
  // A template is in use while the newest version of a live policy requires it.
  async usedBy(db: Db | Tx, name: string) {
    const policies = await db
      .selectDistinctOn([rolloutPolicies.name], { name: rolloutPolicies.name, spec: rolloutPolicies.spec })
      .from(rolloutPolicies)
      .where(isNull(rolloutPolicies.deletedAt))
      .orderBy(rolloutPolicies.name, sql`${rolloutPolicies.version} desc`);
    const users = policies.filter((p) => referencesTemplate(p.spec, name)).map((p) => `policy ${p.name}`);
    return users.length ? users.join(", ") : null;
  },
};

export const policyKind: VersionedKind = {
  path: "rollout-policies",
  noun: "policy",
  table: rolloutPolicies,
  validate: (spec) => validatePolicy(spec),
  // Hub-authored templates only: a policy is shipped to every cluster, so what it requires must ship too.
  async checkReferences(db: Db | Tx, spec: Record<string, unknown>) {
    const refs = templateReferences(spec);
    if (refs.length === 0) return [];
    const names = [...new Set(refs.map((r) => r.name))];
    const rows = await db
      .selectDistinct({ name: analysisTemplates.name })
      .from(analysisTemplates)
      .where(and(inArray(analysisTemplates.name, names), isNull(analysisTemplates.deletedAt)));
    const known = new Set(rows.map((r) => r.name));
    return refs
      .filter((r) => !known.has(r.name))
      .map((r) => ({ field: r.field, message: `template ${r.name} does not exist` }));
  },
  // A policy is in use while a Rollout in some cluster is pinned to it.
  async usedBy(db: Db | Tx, name: string) {
    const rows = await db
      .select({ cluster: clusters.name, namespace: clusterRollouts.namespace, rollout: clusterRollouts.name })
      .from(clusterRollouts)
      .innerJoin(clusters, eq(clusters.id, clusterRollouts.clusterId))
      .where(and(eq(clusterRollouts.policyName, name)))
      .limit(3);
    if (rows.length === 0) return null;
    return rows.map((r) => `rollout ${r.cluster}/${r.namespace}/${r.rollout}`).join(", ");
  },
};
