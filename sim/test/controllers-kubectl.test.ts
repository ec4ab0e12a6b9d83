import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim } from "../src/index.ts";
import { SIM, startSimWithControllers } from "./controllers-support.ts";

const run = promisify(execFile);
const FETCH_SCRIPT = resolve(import.meta.dirname, "../../scripts/fetch-kubectl.sh");

let sim: KubeSim;
let kubectlPath: string;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  // The project's pinned, checksummed kubectl (fetched into the tools cache once).
  const fetched = await run("bash", [FETCH_SCRIPT], { timeout: 170_000, maxBuffer: 1 << 20 });
  kubectlPath = fetched.stdout.trim().split("\n").pop() ?? "";
  sim = await startSimWithControllers();
  dir = await mkdtemp(join(tmpdir(), "kube-sim-controllers-kubectl-"));
  kubeconfig = join(dir, "kubeconfig.yaml");
  await sim.writeKubeconfig("eu-1", kubeconfig);
}, 180_000);

afterAll(async () => {
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

async function apply(name: string, text: string): Promise<void> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, text);
  // The emulator serves no OpenAPI document, so client-side schema validation is off (as in the API tests).
  const out = await kubectl("apply", "--validate=false", "-f", path);
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
}

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {${SIM}/ready-delay-ms: "100"}
    spec:
      containers:
        - name: web
          image: ${image}
`;

describe("kubectl reads the controllers' status as it reads a real cluster's", () => {
  it("rollout status waits for a Deployment rollout to complete, and for the next image", async () => {
    await apply("web-1", deployment("web:1"));
    const first = await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    expect(first.stdout).toContain('deployment "web" successfully rolled out');
    await apply("web-2", deployment("web:2"));
    const second = await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('deployment "web" successfully rolled out');
    const images = await kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}");
    expect(images.stdout.split(" ")).toEqual(["web:2", "web:2", "web:2"]);
    const history = await kubectl("rollout", "history", "deployment/web");
    expect(history.stdout).toMatch(/^1\s/m);
    expect(history.stdout).toMatch(/^2\s/m);
  });

  it("wait --for=condition=complete / failed follows Jobs", async () => {
    const job = (name: string, result: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: default
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations: {${SIM}/job-duration-ms: "100", ${SIM}/job-result: "${result}"}
    spec:
      restartPolicy: Never
      containers: [{name: check, image: busybox}]
`;
    await apply("jobs", `${job("passes", "succeed")}---\n${job("fails", "fail")}`);
    const complete = await kubectl("wait", "--for=condition=complete", "job/passes", "--timeout=30s");
    expect(complete.stdout).toContain("job.batch/passes condition met");
    const failed = await kubectl("wait", "--for=condition=failed", "job/fails", "--timeout=30s");
    expect(failed.stdout).toContain("job.batch/fails condition met");
  });

  it("scale drives ReplicaSet pods, and wait --for=condition=Ready sees them", async () => {
    const scaled = await kubectl("scale", "deployment/web", "--replicas=1");
    expect(scaled.code).toBe(0);
    const status = await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    expect(status.code).toBe(0);
    const ready = await kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=30s");
    expect(ready.stdout.trim().split("\n")).toHaveLength(1);
  });
});
