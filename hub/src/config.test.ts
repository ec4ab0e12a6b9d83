import { describe, expect, it } from "vitest";
import { ConfigError, parseHubConfig } from "./config.ts";

const env = { DATABASE_URL: "postgres://u@db:5432/bw" };

describe("parseHubConfig", () => {
  it("reads the environment, and flags win over it", () => {
    const c = parseHubConfig([], { ...env, NATS_URL: "nats:4222", BELLWETHER_LISTEN: "127.0.0.1:9000" });
    expect(c).toMatchObject({ databaseUrl: env.DATABASE_URL, natsUrl: "nats:4222", host: "127.0.0.1", port: 9000 });
    const f = parseHubConfig(["--listen", "[::1]:7000", "--database-url", "postgresql://x/y"], env);
    expect(f).toMatchObject({ host: "::1", port: 7000, databaseUrl: "postgresql://x/y" });
    expect(parseHubConfig(["--help"], {})).toBe("help");
  });

  it("names the setting that is wrong", () => {
    const fieldOf = (argv: string[], e: NodeJS.ProcessEnv) => {
      try {
        parseHubConfig(argv, e);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).field;
      }
      return "no error";
    };
    expect(fieldOf([], {})).toBe("DATABASE_URL");
    expect(fieldOf([], { DATABASE_URL: "mysql://x" })).toBe("DATABASE_URL");
    expect(fieldOf(["--listen", "8080"], env)).toBe("listen");
    expect(fieldOf(["--listen", "h:70000"], env)).toBe("listen");
    expect(fieldOf(["--tls-cert", "c.pem"], env)).toBe("BELLWETHER_TLS_KEY");
    expect(fieldOf([], { ...env, BELLWETHER_ADMIN_TOKEN: "short" })).toBe("BELLWETHER_ADMIN_TOKEN");
    expect(fieldOf(["--log-level", "loud"], env)).toBe("log-level");
  });

  it("takes TLS files as a pair and treats an empty admin token as unset", () => {
    const c = parseHubConfig(["--tls-cert", "c.pem", "--tls-key", "k.pem"], { ...env, BELLWETHER_ADMIN_TOKEN: "" });
    expect(c).toMatchObject({ tls: { certFile: "c.pem", keyFile: "k.pem" } });
    expect(c !== "help" && c.adminToken).toBeFalsy();
  });
});
