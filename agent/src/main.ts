#!/usr/bin/env node
/**
 * bellwether-agent: the per-cluster controller. Flags mirror Argo's controller where they overlap.
 *   --kubeconfig PATH        (else in-cluster, else ~/.kube/config)
 *   --namespace NS           watch one namespace (default: all)
 *   --api-group GROUP        API group of Rollouts & co. (default argoproj.io)
 *   --instance-id ID         handle only Rollouts labelled argo-rollouts.argoproj.io/controller-instance-id=ID
 *   --metrics-addr HOST:PORT /metrics and /healthz (default 127.0.0.1:8090)
 *   --workers N              reconcile workers (default 4)
 *   --leader-elect=BOOL      campaign for the lease (default true)
 *   --leader-election-namespace NS, --lease-name NAME, --identity ID,
 *   --lease-duration-ms MS, --renew-deadline-ms MS, --retry-period-ms MS
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { Agent } from "./controller/agent.ts";
import { createLogger } from "./observability/logger.ts";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    namespace: { type: "string" },
    "api-group": { type: "string", default: "argoproj.io" },
    "instance-id": { type: "string" },
    "metrics-addr": { type: "string", default: "127.0.0.1:8090" },
    workers: { type: "string", default: "4" },
    "leader-elect": { type: "string", default: "true" },
    "leader-election-namespace": { type: "string" },
    "lease-name": { type: "string", default: "bellwether-agent" },
    identity: { type: "string" },
    "lease-duration-ms": { type: "string" },
    "renew-deadline-ms": { type: "string" },
    "retry-period-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  allowPositionals: false,
});

const logger = createLogger("bellwether-agent");

function fail(field: string, rule: string): never {
  logger.error({ field }, rule);
  process.stderr.write(`bellwether-agent: --${field}: ${rule}\n`);
  process.exit(2);
}

function positiveInt(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) fail(field, `must be a positive integer, got "${value}"`);
  return n;
}

if (values.help) {
  process.stdout.write(
    "usage: bellwether-agent [--kubeconfig PATH] [--namespace NS] [--api-group G] [--instance-id ID] [--metrics-addr H:P] [--workers N] [--leader-elect=true|false] [--leader-election-namespace NS] [--lease-name N] [--identity ID]\n",
  );
  process.exit(0);
}

const kc = new KubeConfig();
if (values.kubeconfig) {
  if (!existsSync(values.kubeconfig)) fail("kubeconfig", `file ${values.kubeconfig} does not exist`);
  kc.loadFromFile(values.kubeconfig);
} else if (process.env.KUBERNETES_SERVICE_HOST) {
  kc.loadFromCluster();
} else {
  kc.loadFromDefault();
}
if (!["true", "false"].includes(values["leader-elect"]))
  fail("leader-elect", `must be true or false, got "${values["leader-elect"]}"`);
const workers = positiveInt("workers", values.workers) ?? 4;
const leaseDurationMs = positiveInt("lease-duration-ms", values["lease-duration-ms"]);
const renewDeadlineMs = positiveInt("renew-deadline-ms", values["renew-deadline-ms"]);
const retryPeriodMs = positiveInt("retry-period-ms", values["retry-period-ms"]);

const agent = new Agent({
  kubeConfig: kc,
  ...(values.namespace ? { namespace: values.namespace } : {}),
  apiGroup: values["api-group"],
  ...(values["instance-id"] ? { instanceId: values["instance-id"] } : {}),
  workers,
  metricsAddress: values["metrics-addr"],
  logger,
  ...(values["leader-elect"] === "true"
    ? {
        leaderElection: {
          namespace:
            values["leader-election-namespace"] ?? process.env.POD_NAMESPACE ?? values.namespace ?? "kube-system",
          leaseName: values["lease-name"],
          ...(values.identity ? { identity: values.identity } : {}),
          ...(leaseDurationMs ? { leaseDurationMs } : {}),
          ...(renewDeadlineMs ? { renewDeadlineMs } : {}),
          ...(retryPeriodMs ? { retryPeriodMs } : {}),
        },
      }
    : {}),
  onLostLeadership: () => {
    logger.error("leadership lost; exiting so the process restarts clean");
    process.exit(1);
  },
});

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    agent.stop().then(
      () => process.exit(0),
      (e) => {
        logger.error({ err: String(e) }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}

agent.start().then(
  () =>
    logger.info({ metricsPort: agent.metricsPort, namespace: values.namespace ?? "(all)" }, "bellwether-agent started"),
  (e) => {
    logger.error({ err: String(e) }, "failed to start");
    process.exit(1);
  },
);
