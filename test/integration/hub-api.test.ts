import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../hub/src/index.ts";
import { storeRolloutSummary } from "../../hub/src/index.ts";
import { useTestDatabase } from "../support/isolation.ts";
import { api, startTestHub } from "./hub-support.ts";

let hub: RunningHub;
let sql: pg.Client;
let viewer: string;
let operator: string;
let agentToken: string;

const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
  api(hub.url, method, path, options);

async function newestEvent(chain: string) {
  const r = await call("GET", `/api/v1/ledger?chain=${encodeURIComponent(chain)}&limit=1`);
  return r.body.events[0];
}

const template = (successCondition = "result[0] >= 0.95") => ({
  metrics: [
    {
      name: "success-rate",
      interval: "1m",
      successCondition,
      provider: { prometheus: { address: "http://prometheus:9090", query: "vector(1)" } },
    },
  ],
});

beforeAll(async () => {
  const db = await useTestDatabase();
  hub = await startTestHub(db.url);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const v = await call("POST", "/api/v1/tokens", { body: { name: "dash", role: "viewer" } });
  const o = await call("POST", "/api/v1/tokens", { body: { name: "ops", role: "operator" } });
  viewer = v.body.token;
  operator = o.body.token;
});

afterAll(async () => {
  await sql?.end();
  await hub?.stop();
});

describe("public endpoints", () => {
  it("serves health, readiness, metrics and the OpenAPI document without a token", async () => {
    expect((await call("GET", "/healthz", { token: null })).status).toBe(200);
    expect((await call("GET", "/readyz", { token: null })).body).toEqual({ status: "ready" });
    const metrics = await call("GET", "/metrics", { token: null });
    expect(metrics.body).toContain("bellwether_hub_http_requests_total");
    const doc = await call("GET", "/api/v1/openapi.json", { token: null });
    expect(doc.body.openapi).toBe("3.1.0");
    for (const p of [
      "/api/v1/clusters",
      "/api/v1/commands",
      "/api/v1/ledger",
      "/api/v1/ledger/verify",
      "/api/v1/events",
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
    expect(doc.body.paths["/api/v1/clusters"].post.requestBody).toBeDefined();
  });

  it("answers unknown routes with a JSON 404", async () => {
    const r = await call("GET", "/api/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("NOT_FOUND");
  });
});

describe("authentication and roles", () => {
  it("401s a missing, malformed or unknown token, with a Bearer challenge", async () => {
    for (const token of [null, "bw_unknown"]) {
      const r = await call("GET", "/api/v1/clusters", { token });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe("UNAUTHENTICATED");
      expect(r.headers.get("www-authenticate")).toContain("Bearer");
    }
    const basic = await call("GET", "/api/v1/clusters", { token: null, headers: { authorization: "Basic YTpi" } });
    expect(basic.status).toBe(401);
  });

  it("403s a role too weak for the route", async () => {
    expect((await call("GET", "/api/v1/clusters", { token: viewer })).status).toBe(200);
    const r = await call("POST", "/api/v1/clusters", { token: viewer, body: { name: "x" } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "FORBIDDEN" });
    expect((await call("POST", "/api/v1/tokens", { token: operator, body: { name: "y", role: "admin" } })).status).toBe(
      403,
    );
    expect((await call("POST", "/api/v1/ledger/verify", { token: viewer })).status).toBe(403);
  });
});

describe("api tokens", () => {
  it("creates a token once, lists without secrets, and revokes", async () => {
    const created = await call("POST", "/api/v1/tokens", {
      body: { name: "ci", role: "operator", expiresInSeconds: 3600 },
      headers: { "x-bellwether-reason": "pipeline" },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^bw_/);
    const ev = await newestEvent("admin");
    expect(ev).toMatchObject({
      kind: "token.created",
      actor: "token:bootstrap-admin",
      data: { name: "ci", reason: "pipeline" },
    });
    expect(JSON.stringify(ev)).not.toContain(created.body.token);

    const list = await call("GET", "/api/v1/tokens");
    const listed = list.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(listed).toMatchObject({ name: "ci", role: "operator", prefix: created.body.token.slice(0, 10) });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    expect((await call("GET", "/api/v1/commands", { token: created.body.token })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect(await newestEvent("admin")).toMatchObject({ kind: "token.revoked", actor: "token:bootstrap-admin" });
    expect((await call("GET", "/api/v1/commands", { token: created.body.token })).status).toBe(401);
  });

  it("names the bad field, and 404s an unknown token", async () => {
    const role = await call("POST", "/api/v1/tokens", { body: { name: "x", role: "root" } });
    expect(role).toMatchObject({ status: 400, body: { code: "VALIDATION", field: "role" } });
    const name = await call("POST", "/api/v1/tokens", { body: { name: "Has Spaces", role: "viewer" } });
    expect(name).toMatchObject({ status: 400, body: { field: "name" } });
    const extra = await call("POST", "/api/v1/tokens", { body: { name: "x", role: "viewer", secret: "s" } });
    expect(extra).toMatchObject({ status: 400, body: { field: "secret", message: "secret: unknown field" } });
    expect((await call("DELETE", "/api/v1/tokens/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/tokens/not-a-uuid")).body.field).toBe("id");
  });
});

describe("clusters", () => {
  it("registers a cluster, returns its agent token once, and lists it with labels and connection state", async () => {
    const r = await call("POST", "/api/v1/clusters", {
      body: { name: "eu-west-1", labels: { env: "prod", region: "eu" } },
      headers: { "x-bellwether-reason": "new region" },
    });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^bw_/);
    agentToken = r.body.token;
    expect(r.body.cluster).toMatchObject({
      name: "eu-west-1",
      labels: { env: "prod" },
      connection: { state: "never-connected" },
    });
    expect(await newestEvent("admin")).toMatchObject({
      kind: "cluster.registered",
      actor: "token:bootstrap-admin",
      data: { cluster: "eu-west-1", reason: "new region" },
    });
    await call("POST", "/api/v1/clusters", { body: { name: "us-east-1", labels: { env: "staging" } } });
    await sql.query("UPDATE clusters SET last_seen_at = now() WHERE name = 'eu-west-1'");
    await sql.query("UPDATE clusters SET last_seen_at = now() - interval '5 minutes' WHERE name = 'us-east-1'");

    const all = await call("GET", "/api/v1/clusters", { token: viewer });
    expect(
      all.body.items.map((c: { name: string; connection: { state: string } }) => [c.name, c.connection.state]),
    ).toEqual([
      ["eu-west-1", "connected"],
      ["us-east-1", "disconnected"],
    ]);
    expect(JSON.stringify(all.body)).not.toContain(agentToken);
    const prod = await call("GET", "/api/v1/clusters?label=env=prod", { token: viewer });
    expect(prod.body.items.map((c: { name: string }) => c.name)).toEqual(["eu-west-1"]);
    expect((await call("GET", "/api/v1/clusters/eu-west-1", { token: viewer })).body.labels).toEqual({
      env: "prod",
      region: "eu",
    });
  });

  it("refuses names that are not DNS-1123 labels, bad labels and duplicates, naming the field", async () => {
    for (const name of ["EU", "eu_west", "-a", "a".repeat(64), "a.b"]) {
      const r = await call("POST", "/api/v1/clusters", { body: { name } });
      expect(r.status, name).toBe(400);
      expect(r.body.field).toBe("name");
      expect(r.body.message).toContain("DNS-1123");
    }
    const label = await call("POST", "/api/v1/clusters", { body: { name: "ok", labels: { env: "no spaces" } } });
    expect(label.body.field).toBe("labels.env");
    const dup = await call("POST", "/api/v1/clusters", { body: { name: "eu-west-1" } });
    expect(dup).toMatchObject({ status: 409, body: { code: "ALREADY_EXISTS", field: "name" } });
    expect((await call("GET", "/api/v1/clusters?label=%3D%3D", { token: viewer })).body.field).toBe("label");
  });

  it("agent tokens open no HTTP route", async () => {
    expect((await call("GET", "/api/v1/clusters", { token: agentToken })).status).toBe(403);
  });

  it("rotates a cluster token with an overlap window on the old one", async () => {
    const r = await call("POST", "/api/v1/clusters/eu-west-1/rotate-token", { body: { overlapSeconds: 600 } });
    expect(r.status).toBe(200);
    expect(r.body.token).not.toBe(agentToken);
    const rows = await sql.query(
      "SELECT t.prefix, t.expires_at FROM api_tokens t JOIN clusters c ON c.id = t.cluster_id WHERE c.name = 'eu-west-1' ORDER BY t.created_at",
    );
    expect(rows.rows).toHaveLength(2);
    const oldExpiry = (rows.rows[0].expires_at as Date).getTime() - Date.now();
    expect(oldExpiry).toBeGreaterThan(500_000);
    expect(oldExpiry).toBeLessThanOrEqual(600_000);
    expect(rows.rows[1].expires_at).toBeNull();
    expect(await newestEvent("admin")).toMatchObject({ kind: "cluster.token-rotated", data: { overlapSeconds: 600 } });
    expect(
      (await call("POST", "/api/v1/clusters/eu-west-1/rotate-token", { body: { overlapSeconds: -1 } })).body.field,
    ).toBe("overlapSeconds");
    expect((await call("POST", "/api/v1/clusters/nope/rotate-token", { body: {} })).status).toBe(404);
    expect((await call("POST", "/api/v1/clusters/eu-west-1/rotate-token", { token: operator, body: {} })).status).toBe(
      403,
    );
  });

  it("removes a cluster", async () => {
    await call("POST", "/api/v1/clusters", { body: { name: "doomed" } });
    expect((await call("DELETE", "/api/v1/clusters/doomed", { token: operator })).status).toBe(403);
    expect((await call("DELETE", "/api/v1/clusters/doomed")).status).toBe(204);
    expect(await newestEvent("admin")).toMatchObject({ kind: "cluster.removed", data: { cluster: "doomed" } });
    expect((await call("GET", "/api/v1/clusters/doomed")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/clusters/doomed")).status).toBe(404);
  });
});

describe("analysis templates and rollout policies", () => {
  it("creates, versions, lists and reads templates validated by core", async () => {
    const created = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "success-rate", spec: template() },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "success-rate", version: 1, createdBy: "token:ops" });
    expect(await newestEvent("admin")).toMatchObject({ kind: "template.created", actor: "token:ops" });

    const v2 = await call("POST", "/api/v1/analysis-templates/success-rate/versions", {
      token: operator,
      body: { spec: template("result[0] >= 0.99") },
    });
    expect(v2.body.version).toBe(2);
    expect(await newestEvent("admin")).toMatchObject({
      kind: "template.versioned",
      actor: "token:ops",
      data: { version: 2 },
    });

    const versions = await call("GET", "/api/v1/analysis-templates/success-rate/versions", { token: viewer });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const one = await call("GET", "/api/v1/analysis-templates/success-rate/versions/1", { token: viewer });
    expect(one.body.spec.metrics[0].successCondition).toBe("result[0] >= 0.95");
    expect((await call("GET", "/api/v1/analysis-templates/success-rate", { token: viewer })).body.version).toBe(2);
    const list = await call("GET", "/api/v1/analysis-templates", { token: viewer });
    expect(list.body.items).toHaveLength(1);
    expect((await call("GET", "/api/v1/analysis-templates/none", { token: viewer })).status).toBe(404);
    expect((await call("GET", "/api/v1/analysis-templates/success-rate/versions/9", { token: viewer })).status).toBe(
      404,
    );
    expect(
      (await call("POST", "/api/v1/analysis-templates/none/versions", { token: operator, body: { spec: template() } }))
        .status,
    ).toBe(404);
    expect(
      (await call("POST", "/api/v1/analysis-templates", { token: viewer, body: { name: "x", spec: template() } }))
        .status,
    ).toBe(403);
  });

  it("names the field core refuses in a template", async () => {
    const bad = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "broken", spec: template("result[0] >=") },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("spec.metrics[0].successCondition");
    const empty = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "empty", spec: { metrics: [] } },
    });
    expect(empty.body.field).toBe("spec.metrics");
    const dup = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "success-rate", spec: template() },
    });
    expect(dup.status).toBe(409);
    const name = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "Bad", spec: template() },
    });
    expect(name.body.field).toBe("name");
  });

  it("validates policies with core, naming the step", async () => {
    const bad = await call("POST", "/api/v1/rollout-policies", {
      token: operator,
      body: { name: "careful", spec: { steps: [{ setWeight: 150 }] } },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: "VALIDATION", field: "spec.steps[0].setWeight" } });
    const rule = await call("POST", "/api/v1/rollout-policies", {
      token: operator,
      body: { name: "careful", spec: { steps: [{ setWeight: 50 }], rules: { maxFirstWeight: 20 } } },
    });
    expect(rule.body.message).toContain("maxFirstWeight");
    const missing = await call("POST", "/api/v1/rollout-policies", {
      token: operator,
      body: { name: "careful", spec: { steps: [{ setWeight: 10 }], requiredAnalysis: ["success-rate", "latency"] } },
    });
    expect(missing.body).toMatchObject({
      field: "spec.requiredAnalysis[1]",
      message: expect.stringContaining("latency"),
    });
    const ok = await call("POST", "/api/v1/rollout-policies", {
      token: operator,
      body: {
        name: "careful",
        spec: { steps: [{ setWeight: 10 }, { pause: {} }], requiredAnalysis: ["success-rate"], onHubLoss: "hold" },
      },
    });
    expect(ok.status).toBe(201);
    expect(await newestEvent("admin")).toMatchObject({ kind: "policy.created", actor: "token:ops" });
    const v2 = await call("POST", "/api/v1/rollout-policies/careful/versions", {
      token: operator,
      body: { spec: { steps: [{ setWeight: 5 }, { pause: {} }], requiredAnalysis: ["success-rate"] } },
    });
    expect(v2.body.version).toBe(2);
  });

  it("refuses to delete what is in use, and deletes it afterwards", async () => {
    const tpl = await call("DELETE", "/api/v1/analysis-templates/success-rate", { token: operator });
    expect(tpl).toMatchObject({ status: 409, body: { code: "IN_USE" } });
    expect(tpl.body.message).toContain("policy careful");

    const [cluster] = (await sql.query("SELECT id, name FROM clusters WHERE name = 'eu-west-1'")).rows;
    await storeRolloutSummary(hub.database.db, cluster, {
      namespace: "shop",
      name: "web",
      app: "shop-web",
      phase: "Healthy",
      policyName: "careful",
      summary: {},
      epoch: 1,
      seq: 1,
    });
    const pol = await call("DELETE", "/api/v1/rollout-policies/careful", { token: operator });
    expect(pol).toMatchObject({ status: 409, body: { code: "IN_USE" } });
    expect(pol.body.message).toContain("eu-west-1/shop/web");

    await storeRolloutSummary(hub.database.db, cluster, {
      namespace: "shop",
      name: "web",
      app: "shop-web",
      phase: "Healthy",
      policyName: null,
      summary: {},
      epoch: 1,
      seq: 2,
    });
    expect((await call("DELETE", "/api/v1/rollout-policies/careful", { token: viewer })).status).toBe(403);
    expect((await call("DELETE", "/api/v1/rollout-policies/careful", { token: operator })).status).toBe(204);
    expect(await newestEvent("admin")).toMatchObject({ kind: "policy.deleted", actor: "token:ops" });
    expect((await call("DELETE", "/api/v1/analysis-templates/success-rate", { token: operator })).status).toBe(204);
    expect((await call("GET", "/api/v1/analysis-templates/success-rate", { token: viewer })).status).toBe(404);
    expect((await call("DELETE", "/api/v1/analysis-templates/success-rate", { token: operator })).status).toBe(404);
    // Versions continue after a delete.
    const again = await call("POST", "/api/v1/analysis-templates", {
      token: operator,
      body: { name: "success-rate", spec: template() },
    });
    expect(again.body.version).toBe(3);
  });
});

describe("rollouts", () => {
  beforeAll(async () => {
    const clusters = (await sql.query("SELECT id, name FROM clusters ORDER BY name")).rows;
    const [eu, us] = clusters;
    const put = (
      c: { id: string; name: string },
      name: string,
      app: string,
      phase: string,
      epoch: number,
      seq: number,
    ) =>
      storeRolloutSummary(hub.database.db, c, {
        namespace: "shop",
        name,
        app,
        phase,
        summary: { stepIndex: 1, stepCount: 4, canaryWeight: 20, message: `${phase} at ${seq}` },
        epoch,
        seq,
      });
    await put(eu, "cart", "shop-cart", "Progressing", 1, 10);
    await put(us, "cart", "shop-cart", "Paused", 2, 5);
    await put(us, "web", "shop-web", "Healthy", 2, 6);
  });

  it("keeps the newest summary by (epoch, seq) and ignores stale ones", async () => {
    const [eu] = (await sql.query("SELECT id, name FROM clusters WHERE name = 'eu-west-1'")).rows;
    const stale = await storeRolloutSummary(hub.database.db, eu, {
      namespace: "shop",
      name: "cart",
      app: "shop-cart",
      phase: "Degraded",
      summary: {},
      epoch: 1,
      seq: 9,
    });
    expect(stale).toBeNull();
    const r = await call("GET", "/api/v1/rollouts/eu-west-1/shop/cart", { token: viewer });
    expect(r.body).toMatchObject({ phase: "Progressing", epoch: 1, seq: 10, summary: { canaryWeight: 20 } });
  });

  it("filters fleet-wide by app, cluster, cluster label and phase", async () => {
    const names = (r: { body: { items: Array<{ cluster: string; name: string }> } }) =>
      r.body.items.map((i) => `${i.cluster}/${i.name}`);
    expect(names(await call("GET", "/api/v1/rollouts?app=shop-cart", { token: viewer }))).toEqual([
      "eu-west-1/cart",
      "us-east-1/cart",
    ]);
    expect(names(await call("GET", "/api/v1/rollouts?cluster=us-east-1", { token: viewer }))).toEqual([
      "us-east-1/cart",
      "us-east-1/web",
    ]);
    expect(names(await call("GET", "/api/v1/rollouts?label=env=prod", { token: viewer }))).toEqual([
      "eu-west-1/cart",
      "eu-west-1/web",
    ]);
    expect(names(await call("GET", "/api/v1/rollouts?phase=Paused", { token: viewer }))).toEqual(["us-east-1/cart"]);
    expect((await call("GET", "/api/v1/rollouts?limit=0", { token: viewer })).body.field).toBe("limit");
    expect((await call("GET", "/api/v1/rollouts", { token: null })).status).toBe(401);
    expect((await call("GET", "/api/v1/rollouts/eu-west-1/shop/none", { token: viewer })).status).toBe(404);
  });
});

describe("commands", () => {
  it("stores a conditional command in the outbox and records it on the app's chain", async () => {
    const r = await call("POST", "/api/v1/commands", {
      token: operator,
      body: {
        cluster: "eu-west-1",
        namespace: "shop",
        rollout: "cart",
        action: "promote",
        args: { expectStepIndex: 1, expectPodHash: "abc123" },
        reason: "metrics look good",
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: "pending", app: "shop-cart", actor: "token:ops", ttlSeconds: 300 });
    expect(await newestEvent("app:shop-cart")).toMatchObject({
      kind: "command.created",
      actor: "token:ops",
      subject: "eu-west-1/shop/cart",
      data: { commandId: r.body.id, action: "promote", reason: "metrics look good", cluster: "eu-west-1" },
    });
    const read = await call("GET", `/api/v1/commands/${r.body.id}`, { token: viewer });
    expect(read.body).toMatchObject({ id: r.body.id, state: "pending", cluster: "eu-west-1" });
    const list = await call("GET", "/api/v1/commands?cluster=eu-west-1&state=pending", { token: viewer });
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(r.body.id);
  });

  it("names the bad field and 404s unknown clusters and commands", async () => {
    const base = { cluster: "eu-west-1", namespace: "shop", rollout: "cart" };
    expect(
      (await call("POST", "/api/v1/commands", { token: operator, body: { ...base, action: "explode" } })).body.field,
    ).toBe("action");
    const missing = await call("POST", "/api/v1/commands", { token: operator, body: { ...base, action: "abort" } });
    expect(missing.body).toMatchObject({ field: "args.expectPodHash" });
    const restart = await call("POST", "/api/v1/commands", {
      token: operator,
      body: { ...base, action: "restart", args: { restartAt: "in a minute" } },
    });
    expect(restart.body.field).toBe("args.restartAt");
    const image = await call("POST", "/api/v1/commands", {
      token: operator,
      body: { ...base, action: "set-image", args: { images: {} } },
    });
    expect(image.body.field).toBe("args.images");
    expect(
      (await call("POST", "/api/v1/commands", { token: operator, body: { ...base, cluster: "mars", action: "retry" } }))
        .status,
    ).toBe(404);
    expect((await call("POST", "/api/v1/commands", { token: viewer, body: { ...base, action: "retry" } })).status).toBe(
      403,
    );
    expect((await call("GET", "/api/v1/commands/00000000-0000-4000-8000-000000000000", { token: viewer })).status).toBe(
      404,
    );
  });
});

describe("ledger queries", () => {
  it("records every mutating call above with its actor, and none for reads or refusals", async () => {
    const all = await call("GET", "/api/v1/ledger?limit=500", { token: viewer });
    const kinds = all.body.events.map((e: { kind: string }) => e.kind);
    // tokens: bootstrap + 2 setup + 1 created + 1 revoked; clusters: 3 registered, 1 rotated, 1 removed;
    // templates: 2 versions + 1 deleted + 1 recreated; policies: 2 versions + 1 deleted; commands: 1.
    expect(kinds.filter((k: string) => k === "token.created")).toHaveLength(4);
    expect(kinds.filter((k: string) => k === "cluster.registered")).toHaveLength(3);
    expect(kinds.filter((k: string) => k.startsWith("template."))).toHaveLength(4);
    expect(kinds.filter((k: string) => k.startsWith("policy."))).toHaveLength(3);
    expect(kinds.filter((k: string) => k === "command.created")).toHaveLength(1);
    expect(all.body.events).toHaveLength(5 + 5 + 4 + 3 + 1);
    for (const e of all.body.events) expect(e.actor).toMatch(/^(token:|system:)/);
  });

  it("filters by chain, app, cluster, actor, kind and time, newest first and paged", async () => {
    const q = async (query: string) => (await call("GET", `/api/v1/ledger?${query}`, { token: viewer })).body;
    expect((await q("app=shop-cart")).events.map((e: { chain: string }) => e.chain)).toEqual(["app:shop-cart"]);
    expect((await q("cluster=eu-west-1")).events.map((e: { kind: string }) => e.kind)).toEqual([
      "command.created",
      "cluster.token-rotated",
      "cluster.registered",
    ]);
    expect((await q("actor=token:ops")).events.every((e: { actor: string }) => e.actor === "token:ops")).toBe(true);
    expect((await q("kind=cluster.removed")).events).toHaveLength(1);
    expect((await q(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).events).toEqual([]);
    expect(
      (await q(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=3`)).events,
    ).toHaveLength(3);

    const seen: number[] = [];
    let page = await q("chain=admin&limit=4");
    for (;;) {
      seen.push(...page.events.map((e: { seq: number }) => e.seq));
      if (!page.nextCursor) break;
      page = await q(`chain=admin&limit=4&before=${page.nextCursor}`);
    }
    const head = (await sql.query("SELECT head_seq FROM ledger_chains WHERE chain = 'admin'")).rows[0].head_seq;
    expect(seen).toEqual(Array.from({ length: Number(head) }, (_, i) => Number(head) - i));

    expect((await call("GET", "/api/v1/ledger?since=yesterday", { token: viewer })).body.field).toBe("since");
    expect((await call("GET", "/api/v1/ledger?limit=9999", { token: viewer })).body.field).toBe("limit");
    expect((await call("GET", "/api/v1/ledger?chain=admin&app=x", { token: viewer })).body.field).toBe("app");
    expect((await call("GET", "/api/v1/ledger", { token: null })).status).toBe(401);
  });

  it("verifies the chains it wrote", async () => {
    const r = await call("POST", "/api/v1/ledger/verify", { token: operator, body: {} });
    expect(r.body).toMatchObject({ ok: true, problems: [] });
    expect(r.body.chains).toBe(2);
    expect(r.body.rows).toBe(18);
    const one = await call("POST", "/api/v1/ledger/verify", { token: operator, body: { chain: "app:shop-cart" } });
    expect(one.body).toMatchObject({ ok: true, chains: 1, rows: 1 });
    expect((await call("POST", "/api/v1/ledger/verify", { token: operator, body: { chain: "app:none" } })).status).toBe(
      404,
    );
    expect((await call("POST", "/api/v1/ledger/verify", { token: operator, body: { chains: [] } })).body.field).toBe(
      "chains",
    );
  });
});
