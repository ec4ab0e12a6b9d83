#!/usr/bin/env node
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startKubeSim } from "./kube-sim.ts";

const USAGE = `usage: kube-sim [--clusters N | --cluster-names a,b] [--port P] [--host H] [--kubeconfig-dir DIR] [--rbac] [--bare]
  Serves N emulated Kubernetes clusters (cluster-1..N) from one process. Each cluster's kubeconfig is written to
  DIR/<name>.yaml; the control API is under /_sim. Simulated controllers and the data plane run unless --bare
  (API server only); metrics are at /_sim/metrics, traffic is set with POST /_sim/clusters/<name>/traffic.`;

function fail(message: string): never {
  process.stderr.write(`kube-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        clusters: { type: "string" },
        "cluster-names": { type: "string" },
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        "kubeconfig-dir": { type: "string" },
        rbac: { type: "boolean", default: false },
        bare: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let names: string[];
  if (typeof values["cluster-names"] === "string") names = values["cluster-names"].split(",").filter(Boolean);
  else {
    const count = Number(values.clusters ?? "1");
    if (!Number.isInteger(count) || count < 1 || count > 10_000) fail("--clusters: must be an integer from 1 to 10000");
    names = Array.from({ length: count }, (_, i) => `cluster-${i + 1}`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail("--port: must be an integer from 0 to 65535");
  const rbac = values.rbac === true;
  let sim: Awaited<ReturnType<typeof startKubeSim>>;
  try {
    sim = await startKubeSim({
      clusters: names.map((name) => ({ name, rbac })),
      port,
      host: String(values.host),
      controllers: values.bare !== true,
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const dir = values["kubeconfig-dir"];
  if (typeof dir === "string") {
    await mkdir(dir, { recursive: true });
    for (const name of names) await sim.writeKubeconfig(name, join(dir, `${name}.yaml`));
  }
  process.stdout.write(
    `${JSON.stringify({ msg: "kube-sim listening", url: sim.baseUrl, clusters: names.length, kubeconfigDir: dir ?? null })}\n`,
  );
  const shutdown = () => {
    sim.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

await main();
