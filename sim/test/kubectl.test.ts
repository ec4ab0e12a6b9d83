import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent, KubeSim } from "../src/index.ts";
import { type Clients, clientsFor, eventually, mergePatch, startSim } from "./support.ts";

const run = promisify(execFile);
const FETCH_SCRIPT = resolve(import.meta.dirname, "../../scripts/fetch-kubectl.sh");

let sim: KubeSim;
let c: Clients;
let kubectlPath: string;
let dir: string;
let kubeconfig: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // A real kubectl, fetched once (pinned + checksummed) into the tools cache; never a project dependency.
  const fetched = await run("bash", [FETCH_SCRIPT], { timeout: 170_000, maxBuffer: 1 << 20 });
  kubectlPath = fetched.stdout.trim().split("\n").pop() ?? "";
  sim = await startSim();
  c = clientsFor(sim.kubeConfig("eu-1"));
  dir = await mkdtemp(join(tmpdir(), "kube-sim-kubectl-"));
  kubeconfig = join(dir, "kubeconfig.yaml");
  await sim.writeKubeconfig("eu-1", kubeconfig);
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const out = await run(kubectlPath, ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
      env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig },
      timeout: 60_000,
    });
    return { stdout: out.stdout, stderr: out.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: typeof err.code === "number" ? err.code : 1 };
  }
}

async function manifest(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const deploymentYaml = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: canary}]
      - name: proxy
        image: envoy:1.30
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe("kubectl against the emulator", () => {
  it("apply --validate=false creates, reconfigures and leaves unchanged objects alone", async () => {
    const first = await kubectl(
      "apply",
      "--validate=false",
      "-f",
      await manifest("web-1.yaml", deploymentYaml("web:1.0")),
    );
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("deployment.apps/web created");
    expect(first.stdout).toContain("service/web created");
    const again = await kubectl(
      "apply",
      "--validate=false",
      "-f",
      await manifest("web-1.yaml", deploymentYaml("web:1.0")),
    );
    expect(again.stdout).toContain("deployment.apps/web unchanged");
    const changed = await kubectl(
      "apply",
      "--validate=false",
      "-f",
      await manifest("web-2.yaml", deploymentYaml("web:2.0")),
    );
    expect(changed.stdout).toContain("deployment.apps/web configured");
    const d = await c.apps.readNamespacedDeployment({ namespace: "default", name: "web" });
    expect(d.spec?.template.spec?.containers.map((x) => x.image)).toEqual(["web:2.0", "envoy:1.30"]);
    expect(d.metadata?.generation).toBe(2);
    expect(d.metadata?.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]).toContain("web:2.0");
    const svc = await c.core.readNamespacedService({ namespace: "default", name: "web" });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
  });

  it("scale writes spec.replicas through the scale subresource", async () => {
    const out = await kubectl("scale", "deployment/web", "--replicas=4");
    expect(out.stdout.trim()).toBe("deployment.apps/web scaled");
    const d = await c.apps.readNamespacedDeployment({ namespace: "default", name: "web" });
    expect(d.spec?.replicas).toBe(4);
    const scaleCalls = sim
      .cluster("eu-1")
      .requestLog.entries({ resource: "deployments" })
      .filter((e) => e.subresource === "scale" && e.code === 200);
    expect(scaleCalls.length).toBeGreaterThan(0);
  });

  it("patch --type=strategic merges containers and env by name", async () => {
    const patch = JSON.stringify({
      spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "DEBUG", value: "1" }] }] } } },
    });
    const out = await kubectl("patch", "deployment", "web", "--type=strategic", "-p", patch);
    expect(out.stdout.trim()).toBe("deployment.apps/web patched");
    const d = await c.apps.readNamespacedDeployment({ namespace: "default", name: "web" });
    const web = d.spec?.template.spec?.containers.find((x) => x.name === "web");
    expect(web?.image).toBe("web:2.0");
    expect(web?.env?.map((e) => `${e.name}=${e.value}`)).toEqual(["MODE=canary", "DEBUG=1"]);
    expect(d.spec?.template.spec?.containers).toHaveLength(2);
  });

  it("get -w prints ADDED, MODIFIED and DELETED as they happen", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "kw" } } });
    const child = spawn(
      kubectlPath,
      [
        "--kubeconfig",
        kubeconfig,
        "--cache-dir",
        join(dir, "cache"),
        "get",
        "configmaps",
        "-n",
        "kw",
        "-w",
        "--output-watch-events",
      ],
      { env: { ...process.env, HOME: dir } },
    );
    children.push(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const cluster = sim.cluster("eu-1");
    await eventually(
      () => cluster.requestLog.entries({ verb: "watch", resource: "configmaps", namespace: "kw" }).length > 0,
      "kubectl to open its watch",
      30_000,
    );
    await c.core.createNamespacedConfigMap({ namespace: "kw", body: { metadata: { name: "live" }, data: { a: "1" } } });
    await c.core.patchNamespacedConfigMap({ namespace: "kw", name: "live", body: { data: { b: "2" } } }, mergePatch);
    await c.core.deleteNamespacedConfigMap({ namespace: "kw", name: "live" });
    const lines = await eventually(() => {
      const rows = out
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols[1] === "live");
      return rows.length >= 3 && rows;
    }, "three watch lines from kubectl");
    expect(lines.map((cols) => `${cols[0]} ${cols[2]}`)).toEqual(["ADDED 1", "MODIFIED 2", "DELETED 2"]);
    child.kill();
  });

  it("delete --cascade=foreground removes dependents before the owner", async () => {
    const cluster = sim.cluster("eu-1");
    const owner = await c.apps.readNamespacedDeployment({ namespace: "default", name: "web" });
    await c.apps.createNamespacedReplicaSet({
      namespace: "default",
      body: {
        metadata: {
          name: "web-abc123",
          labels: { app: "web" },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "Deployment",
              name: "web",
              uid: owner.metadata?.uid ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:2.0" }] } },
        },
      },
    });
    const order: string[] = [];
    const unsubscribe = cluster.onChange("*", (ev: ChangeEvent) => {
      if (ev.object.metadata.namespace !== "default" || !ev.object.metadata.name?.startsWith("web")) return;
      const finalizers = ev.object.metadata.finalizers?.join(",") ?? "";
      order.push(`${ev.type} ${ev.object.kind}${finalizers ? ` [${finalizers}]` : ""}`);
    });
    const out = await kubectl("delete", "deployment", "web", "--cascade=foreground");
    unsubscribe();
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('deployment.apps "web" deleted');
    expect(order).toEqual([
      "MODIFIED Deployment [foregroundDeletion]",
      "DELETED ReplicaSet",
      "DELETED Deployment [foregroundDeletion]",
    ]);
  });

  it("api-resources lists a CRD's resource once it is created, and get prints its columns", async () => {
    const before = await kubectl("api-resources", "--api-group=example.dev");
    expect(before.stdout).not.toContain("widgets");
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.dev
spec:
  group: example.dev
  scope: Namespaced
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
`;
    expect((await kubectl("apply", "--validate=false", "-f", await manifest("crd.yaml", crd))).stdout).toContain(
      "customresourcedefinition.apiextensions.k8s.io/widgets.example.dev created",
    );
    const after = await kubectl("api-resources", "--api-group=example.dev");
    const row = after.stdout.split("\n").find((l) => l.startsWith("widgets"));
    expect(row?.split(/\s+/)).toEqual(["widgets", "wd", "example.dev/v1", "true", "Widget"]);
    const widget = `apiVersion: example.dev/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3}
`;
    expect((await kubectl("apply", "--validate=false", "-f", await manifest("w1.yaml", widget))).stdout).toContain(
      "widget.example.dev/w1 created",
    );
    const table = await kubectl("get", "wd");
    const [header, first] = table.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(["NAME", "SIZE"]);
    expect(first?.split(/\s+/)).toEqual(["w1", "3"]);
  });
});
