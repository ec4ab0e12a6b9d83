import { describe, expect, it } from "vitest";
import { withPodTemplateDefaults } from "./pod-template-defaults.ts";
import { podTemplatesEqualIgnoringHash } from "./pod-template-hash.ts";

describe("withPodTemplateDefaults", () => {
  const template = {
    metadata: { labels: { app: "web" } },
    spec: {
      containers: [
        { name: "web", image: "web:1.2", ports: [{ containerPort: 8080 }] },
        { name: "x", image: "busybox" },
      ],
    },
  };

  it("fills in what the API server fills in, leaving set fields alone", () => {
    const d = withPodTemplateDefaults({ ...template, spec: { ...template.spec, restartPolicy: "OnFailure" } });
    expect(d.spec).toMatchObject({
      restartPolicy: "OnFailure",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    });
    const [web, x] = (d.spec as { containers: Array<Record<string, unknown>> }).containers;
    expect(web).toMatchObject({
      imagePullPolicy: "IfNotPresent",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
      ports: [{ containerPort: 8080, protocol: "TCP" }],
    });
    expect(x?.imagePullPolicy).toBe("Always");
    expect(template.spec.containers[0]).not.toHaveProperty("imagePullPolicy");
  });

  it("makes a Rollout template equal to the defaulted copy a ReplicaSet holds, hash label aside", () => {
    const stored = withPodTemplateDefaults({
      ...template,
      metadata: { labels: { app: "web", "rollouts-pod-template-hash": "abc" } },
    });
    expect(podTemplatesEqualIgnoringHash(template, stored)).toBe(false);
    expect(podTemplatesEqualIgnoringHash(withPodTemplateDefaults(template), withPodTemplateDefaults(stored))).toBe(
      true,
    );
    const other = withPodTemplateDefaults({ ...template, spec: { containers: [{ name: "web", image: "web:1.3" }] } });
    expect(podTemplatesEqualIgnoringHash(withPodTemplateDefaults(template), other)).toBe(false);
  });
});
