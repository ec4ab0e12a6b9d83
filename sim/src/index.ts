export type { ChangeEvent, ChangeListener, ChangeType } from "./change-feed.ts";
export { ChangeFeed } from "./change-feed.ts";
export { ClusterControllers } from "./controllers/cluster-controllers.ts";
export {
  ANNOTATIONS as SIM_ANNOTATIONS,
  SIM_ANNOTATION_PREFIX,
  type VersionBehaviour,
  versionBehaviour,
} from "./controllers/version-behaviour.ts";
export { DataPlane, type DataPlaneOptions } from "./data-plane/data-plane.ts";
export { DataPlaneError } from "./data-plane/data-plane-error.ts";
export type { TrafficSpec } from "./data-plane/traffic-spec.ts";
export type { TrafficSplit, VersionShare } from "./data-plane/traffic-stream.ts";
export { KindRegistry } from "./kind-registry.ts";
export type {
  DeleteOptions,
  DeleteResult,
  GroupVersionResource,
  KubeClusterOptions,
  ListOptions,
  PatchType,
  Watcher,
  WatchOptions,
  WriteOptions,
} from "./kube-cluster.ts";
export { KubeCluster } from "./kube-cluster.ts";
export type { KubeList, KubeObject, ObjectMeta, OwnerReference, WatchEvent } from "./kube-object.ts";
export {
  type ClusterSpec,
  CONTROL_PREFIX,
  type CredentialOptions,
  KubeSim,
  type KubeSimOptions,
  startKubeSim,
} from "./kube-sim.ts";
export { LabelSelector } from "./label-selector.ts";
export type { VersionCounts } from "./metrics/request-metrics.ts";
export type { RequestAttributes, UserInfo } from "./rbac-authorizer.ts";
export type { RequestLogEntry, RequestLogFilter } from "./request-log.ts";
export type { PrinterColumn, ResourceKind, ScalePaths } from "./resource-kind.ts";
export { StatusError } from "./status-error.ts";
