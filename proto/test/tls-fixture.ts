import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TlsFixture {
  ca: Buffer;
  serverKey: Buffer;
  serverCert: Buffer;
  remove(): void;
}

/** Makes a throwaway CA and a server certificate for localhost/127.0.0.1 with the openssl CLI (EC P-256). */
export function makeTlsFixture(): TlsFixture {
  const dir = mkdtempSync(path.join(tmpdir(), "bw-tls-"));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("ca.key"));
  openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    f("ca.key"),
    "-subj",
    "/CN=bellwether-test-ca",
    "-days",
    "2",
    "-out",
    f("ca.crt"),
  );
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("server.key"));
  openssl("req", "-new", "-key", f("server.key"), "-subj", "/CN=localhost", "-out", f("server.csr"));
  writeFileSync(f("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
    "-out",
    f("server.crt"),
  );
  return {
    ca: readFileSync(f("ca.crt")),
    serverKey: readFileSync(f("server.key")),
    serverCert: readFileSync(f("server.crt")),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
