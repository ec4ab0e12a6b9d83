import { validatePolicy } from "@bellwether/core";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../../store/database.ts";
import { analysisTemplates, clusterRollouts, clusters, rolloutPolicies } from "../../store/schema.ts";
import { validateTemplateSpec } from "../template-validation.ts";
import type { VersionedKind } from "./versioned-routes.ts";

function referencesTemplate(spec: Record<string, unknown>, template: string): boolean {
  if (Array.isArray(spec.requiredAnalysis) && spec.requiredAnalysis.includes(template)) return true;
  if (!Array.isArray(spec.steps)) return false;
  return spec.steps.some((step) => {
    const templates = (step as { analysis?: { templates?: unknown } })?.analysis?.templates;
    return (
      Array.isArray(templates) && templates.some((t) => (t as { templateName?: unknown })?.templateName === template)
    );
  });
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
