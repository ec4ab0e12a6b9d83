import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "./json-value.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { containerPort: number }[];
}
interface Doc {
  metadata: { finalizers?: string[]; labels?: Record<string, string> };
  spec: { containers: Container[]; volumes?: unknown[]; tolerations?: unknown[]; ports?: unknown[] };
  status?: unknown;
}

const smp = (original: JsonValue, patch: JsonValue) => applyStrategicMergePatch(original, patch) as unknown as Doc;

const pod = (): JsonObject => ({
  metadata: { finalizers: ["a"], labels: { app: "web" } },
  spec: {
    containers: [
      { name: "app", image: "app:1", ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }] },
      { name: "proxy", image: "proxy:1", args: ["--x"] },
    ],
    volumes: [{ name: "data", emptyDir: {} }],
    tolerations: [{ key: "k" }],
  },
  status: { conditions: [{ type: "Ready", status: "False" }] },
});

describe("strategic merge patch", () => {
  it("merges keyed lists element-wise and appends new keys", () => {
    const out = smp(pod(), {
      spec: {
        containers: [
          { name: "proxy", image: "proxy:2" },
          { name: "new", image: "n:1" },
        ],
      },
    });
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(["app=app:1", "proxy=proxy:2", "new=n:1"]);
    expect(out.spec.containers[1]?.args).toEqual(["--x"]);
  });

  it("replaces lists without a merge key and primitive lists such as args", () => {
    const out = smp(pod(), {
      spec: { tolerations: [{ key: "other" }], containers: [{ name: "proxy", args: ["--y"] }] },
    });
    expect(out.spec.tolerations).toEqual([{ key: "other" }]);
    expect(out.spec.containers[1]?.args).toEqual(["--y"]);
  });

  it("unions metadata.finalizers and honours $deleteFromPrimitiveList", () => {
    const added = smp(pod(), { metadata: { finalizers: ["b", "a"] } });
    expect(added.metadata.finalizers).toEqual(["a", "b"]);
    const removed = smp(added as unknown as JsonValue, {
      metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] },
    });
    expect(removed.metadata.finalizers).toEqual(["b"]);
  });

  it("supports $patch delete and replace, null deletion and $setElementOrder", () => {
    const out = smp(pod(), {
      metadata: { labels: { app: null, tier: "x" } },
      spec: {
        "$setElementOrder/containers": [{ name: "proxy" }, { name: "app" }],
        containers: [{ name: "app", $patch: "delete" }],
        volumes: [{ name: "cache", emptyDir: {} }, { $patch: "replace" }],
      },
      status: { $patch: "replace", phase: "Running" },
    });
    expect(out.metadata.labels).toEqual({ tier: "x" });
    expect(out.spec.containers.map((c) => c.name)).toEqual(["proxy"]);
    expect(out.spec.volumes).toEqual([{ name: "cache", emptyDir: {} }]);
    expect(out.status).toEqual({ phase: "Running" });
  });

  it("uses containerPort for container ports and port for service ports", () => {
    const out = smp(pod(), {
      spec: { containers: [{ name: "app", ports: [{ containerPort: 81 }] }] },
    });
    expect(out.spec.containers[0]?.ports).toEqual([{ containerPort: 80 }, { containerPort: 81 }]);
    const svc = smp(
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
    );
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });

  it("refuses a keyed list element without its merge key", () => {
    expect(() => smp(pod(), { spec: { containers: [{ image: "x" }] } })).toThrow(
      /does not contain declared merge key: name/,
    );
  });

  it("leaves the original untouched", () => {
    const original = pod();
    const copy = structuredClone(original);
    applyStrategicMergePatch(original, { spec: { containers: [{ name: "app", image: "z" }] } });
    expect(original).toEqual(copy);
  });
});
