import { describe, expect, it } from "vitest";
import type { PodTemplateSpec } from "../types/kube-meta.ts";
import { computePodTemplateHash, computeStepHash, podTemplatesEqualIgnoringHash } from "./pod-template-hash.ts";
import { canonicalJson, fnv1a32, safeEncode, stableHash } from "./stable-hash.ts";

const template: PodTemplateSpec = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
};

describe("computePodTemplateHash", () => {
  it("is deterministic and independent of key order", () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ ports: [{ containerPort: 80 }], image: "nginx:1.27", name: "web" }] },
      metadata: { labels: { app: "web" } },
    };
    expect(computePodTemplateHash(template)).toBe(computePodTemplateHash(reordered));
    expect(computePodTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it("changes with the template and with the collision count", () => {
    const other = { ...template, spec: { containers: [{ name: "web", image: "nginx:1.28" }] } };
    expect(computePodTemplateHash(other)).not.toBe(computePodTemplateHash(template));
    expect(computePodTemplateHash(template, 1)).not.toBe(computePodTemplateHash(template));
    expect(computePodTemplateHash(template, 0)).not.toBe(computePodTemplateHash(template));
  });

  it("ignores its own hash label, so a ReplicaSet's template hashes like the Rollout's", () => {
    const labelled: PodTemplateSpec = {
      ...template,
      metadata: { labels: { app: "web", "rollouts-pod-template-hash": "abc" } },
    };
    expect(computePodTemplateHash(labelled)).toBe(computePodTemplateHash(template));
    expect(podTemplatesEqualIgnoringHash(labelled, template)).toBe(true);
    expect(podTemplatesEqualIgnoringHash(template, { ...template, spec: { containers: [] } })).toBe(false);
  });
});

describe("hash building blocks", () => {
  it("FNV-1a 32 matches the published test vectors", () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a32(bytes(""))).toBe(0x811c9dc5);
    expect(fnv1a32(bytes("a"))).toBe(0xe40c292c);
    expect(fnv1a32(bytes("foobar"))).toBe(0xbf9cf968);
  });

  it("safeEncode maps onto the Kubernetes safe alphabet", () => {
    // Byte value modulo 27 indexes "bcdfghjklmnpqrstvwxz2456789", as rand.SafeEncodeString does.
    expect(safeEncode("0123456789")).toBe("456789bcdf");
  });

  it("canonicalJson sorts keys and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: [undefined, { d: undefined, c: "x" }] })).toBe('{"a":[null,{"c":"x"}],"b":1}');
    expect(stableHash({ a: 1, b: 2 })).toBe(stableHash({ b: 2, a: 1 }));
  });

  it("computeStepHash changes when the steps change", () => {
    expect(computeStepHash([{ setWeight: 10 }])).not.toBe(computeStepHash([{ setWeight: 20 }]));
    expect(computeStepHash(undefined)).toBe(computeStepHash([]));
  });
});
