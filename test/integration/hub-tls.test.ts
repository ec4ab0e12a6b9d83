import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../hub/src/index.ts";
import { useTestDatabase } from "../support/isolation.ts";
import { ADMIN_TOKEN, startTestHub } from "./hub-support.ts";

const dir = mkdtempSync(path.join(tmpdir(), "bw-hub-tls-"));
let hub: RunningHub | undefined;
afterAll(async () => {
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

describe("TLS", () => {
  it("serves the API over HTTPS with the configured certificate and key", async () => {
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    const db = await useTestDatabase();
    hub = await startTestHub(db.url, { tls: { certFile: cert, keyFile: key } });
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(cert);
    const health = await get(`${hub.url.replace("127.0.0.1", "localhost")}/healthz`, ca);
    expect(health.status).toBe(200);
    const clusters = await get(`${hub.url.replace("127.0.0.1", "localhost")}/api/v1/clusters`, ca);
    expect(JSON.parse(clusters.body)).toEqual({ items: [] });
    // Plain HTTP on the TLS port is not served.
    await expect(fetch(`${hub.url.replace("https", "http")}/healthz`)).rejects.toThrow();
  });
});
