import { type FieldIssue, isDns1123Subdomain } from "@bellwether/core";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { ADMIN_CHAIN } from "../../ledger/ledger-row.ts";
import type { Db, Tx } from "../../store/database.ts";
import type { analysisTemplates } from "../../store/schema.ts";
import type { ApiContext } from "../api-context.ts";
import { conflict, invalid, invalidIssues, notFound } from "../api-error.ts";
import { principalOf, reasonOf } from "../request-context.ts";

type VersionedTable = typeof analysisTemplates;
type VersionRow = VersionedTable["$inferSelect"];

/** A kind of hub-authored resource stored as immutable versions (analysis templates, rollout policies). */
export interface VersionedKind {
  /** URL segment, e.g. `analysis-templates`. */
  path: string;
  /** Ledger kind prefix and words for messages, e.g. `template`. */
  noun: string;
  table: VersionedTable;
  /** Issues with field paths relative to the spec. */
  validate(spec: unknown, name: string): FieldIssue[];
  /** Issues with what the spec refers to (fields relative to the spec), checked inside the write. */
  checkReferences?(db: Db | Tx, spec: Record<string, unknown>): Promise<FieldIssue[]>;
  /** Who still uses `name`, in words, or null when it may be deleted. */
  usedBy(db: Db | Tx, name: string): Promise<string | null>;
}

export function versionView(r: VersionRow) {
  return {
    name: r.name,
    version: r.version,
    spec: r.spec,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    reason: r.reason,
  };
}

const specBody = { spec: { type: "object" } } as const;

export function registerVersionedRoutes(app: FastifyInstance, ctx: ApiContext, kind: VersionedKind): void {
  const t = kind.table;
  const base = `/api/v1/${kind.path}`;
  const tags = [kind.path];

  const checkSpec = (spec: unknown, name: string) => {
    const issues = kind.validate(spec, name);
    if (issues.length > 0) throw invalidIssues(issues, "spec");
  };
  const checkReferences = async (db: Db | Tx, spec: Record<string, unknown>) => {
    const issues = (await kind.checkReferences?.(db, spec)) ?? [];
    if (issues.length > 0) throw invalidIssues(issues, "spec");
  };
  const live = (name: string) => and(eq(t.name, name), isNull(t.deletedAt));
  const latest = async (db: Db | Tx, name: string, lock = false) => {
    const q = db.select().from(t).where(live(name)).orderBy(desc(t.version)).limit(1);
    const [row] = lock ? await q.for("update") : await q;
    return row;
  };

  app.post<{ Body: { name: string; spec: Record<string, unknown> } }>(
    base,
    {
      config: { role: "operator" },
      schema: {
        tags,
        summary: `Create a ${kind.noun} (version 1)`,
        body: {
          type: "object",
          required: ["name", "spec"],
          additionalProperties: false,
          properties: { name: { type: "string" }, ...specBody },
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const { name, spec } = req.body;
      if (!isDns1123Subdomain(name))
        throw invalid("name", "must be a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.')");
      checkSpec(spec, name);
      const row = await ctx.mutate(who.actor, async (tx, record) => {
        await checkReferences(tx, spec);
        if (await latest(tx, name))
          throw conflict("ALREADY_EXISTS", `${kind.noun} ${name} already exists; add a version instead`, "name");
        // Versions continue after a delete, so agents comparing name → version never mistake a new one for old.
        const [max] = await tx
          .select({ v: sql<number>`coalesce(max(${t.version}), 0)::int` })
          .from(t)
          .where(eq(t.name, name));
        const version = (max?.v ?? 0) + 1;
        const [created] = await tx.insert(t).values({ name, version, spec, createdBy: who.actor, reason }).returning();
        await record({
          chain: ADMIN_CHAIN,
          kind: `${kind.noun}.created`,
          subject: `${kind.noun}/${name}`,
          data: { name, version, spec, reason },
        });
        return created as VersionRow;
      });
      return reply.code(201).send(versionView(row));
    },
  );

  app.post<{ Params: { name: string }; Body: { spec: Record<string, unknown> } }>(
    `${base}/:name/versions`,
    {
      config: { role: "operator" },
      schema: {
        tags,
        summary: `Add a new version of a ${kind.noun}`,
        params: { type: "object", properties: { name: { type: "string" } } },
        body: { type: "object", required: ["spec"], additionalProperties: false, properties: specBody },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const { name } = req.params;
      checkSpec(req.body.spec, name);
      const row = await ctx.mutate(who.actor, async (tx, record) => {
        const current = await latest(tx, name, true);
        if (!current) throw notFound(`${kind.noun} ${name}`);
        await checkReferences(tx, req.body.spec);
        const version = current.version + 1;
        const [created] = await tx
          .insert(t)
          .values({ name, version, spec: req.body.spec, createdBy: who.actor, reason })
          .returning();
        await record({
          chain: ADMIN_CHAIN,
          kind: `${kind.noun}.versioned`,
          subject: `${kind.noun}/${name}`,
          data: { name, version, previous: current.version, spec: req.body.spec, reason },
        });
        return created as VersionRow;
      });
      return reply.code(201).send(versionView(row));
    },
  );

  app.get(
    base,
    { config: { role: "viewer" }, schema: { tags, summary: `Newest version of every ${kind.noun}` } },
    async () => {
      const rows = await ctx.db
        .selectDistinctOn([t.name])
        .from(t)
        .where(isNull(t.deletedAt))
        .orderBy(asc(t.name), desc(t.version));
      return { items: rows.map(versionView) };
    },
  );

  app.get<{ Params: { name: string } }>(
    `${base}/:name`,
    { config: { role: "viewer" }, schema: { tags, summary: `Newest version of one ${kind.noun}` } },
    async (req) => {
      const row = await latest(ctx.db, req.params.name);
      if (!row) throw notFound(`${kind.noun} ${req.params.name}`);
      return versionView(row);
    },
  );

  app.get<{ Params: { name: string } }>(
    `${base}/:name/versions`,
    { config: { role: "viewer" }, schema: { tags, summary: `All versions of one ${kind.noun}, newest first` } },
    async (req) => {
      const rows = await ctx.db.select().from(t).where(live(req.params.name)).orderBy(desc(t.version));
      if (rows.length === 0) throw notFound(`${kind.noun} ${req.params.name}`);
      return { items: rows.map(versionView) };
    },
  );

  app.get<{ Params: { name: string; version: number } }>(
    `${base}/:name/versions/:version`,
    {
      config: { role: "viewer" },
      schema: {
        tags,
        summary: `One version of a ${kind.noun}`,
        params: { type: "object", properties: { name: { type: "string" }, version: { type: "integer", minimum: 1 } } },
      },
    },
    async (req) => {
      const [row] = await ctx.db
        .select()
        .from(t)
        .where(and(live(req.params.name), eq(t.version, req.params.version)));
      if (!row) throw notFound(`${kind.noun} ${req.params.name} version ${req.params.version}`);
      return versionView(row);
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${base}/:name`,
    { config: { role: "operator" }, schema: { tags, summary: `Delete a ${kind.noun}; refused while in use` } },
    async (req, reply) => {
      const who = principalOf(req);
      const reason = reasonOf(req);
      const { name } = req.params;
      await ctx.mutate(who.actor, async (tx, record) => {
        const current = await latest(tx, name, true);
        if (!current) throw notFound(`${kind.noun} ${name}`);
        const user = await kind.usedBy(tx, name);
        if (user) throw conflict("IN_USE", `${kind.noun} ${name} is in use by ${user}`, "name");
        await tx.update(t).set({ deletedAt: new Date() }).where(live(name));
        await record({
          chain: ADMIN_CHAIN,
          kind: `${kind.noun}.deleted`,
          subject: `${kind.noun}/${name}`,
          data: { name, lastVersion: current.version, reason },
        });
      });
      return reply.code(204).send();
    },
  );
}
