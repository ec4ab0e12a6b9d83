/** The agent's I/O side (loads the Kubernetes client): `@bellwether/agent/controller`. */
export { CommandExecutor } from "../commands/command-executor.ts";
export { decideCommand } from "../commands/decide-command.ts";
export * from "../commands/rollout-command.ts";
export { Informer } from "../kube/informer.ts";
export { KubeApiError } from "../kube/kube-api-error.ts";
export { KubeClient } from "../kube/kube-client.ts";
export { argoKinds, builtins, resourcePath } from "../kube/resource-ref.ts";
export { AgentMetrics } from "../observability/agent-metrics.ts";
export { createLogger } from "../observability/logger.ts";
export { CanaryReconciler, type CanaryRound } from "../rollout/canary-reconciler.ts";
export type { RecordedEvent } from "../rollout/event-recorder.ts";
export type { TrafficRouter } from "../rollout/traffic-router.ts";
export { LeaderElection } from "../runtime/leader-election.ts";
export { Agent, type AgentOptions } from "./agent.ts";
