import type { IntOrString, KubeCondition, LabelSelector, ObjectMeta, PodTemplateSpec } from "./kube-meta.ts";

/**
 * Argo Rollouts `argoproj.io/v1alpha1` Rollout as plain JSON. Field names and optionality follow the CRD so an
 * object read from the API server (or written by the Argo controller) type-checks unchanged. Analysis and
 * experiment step bodies are kept structural here; their full types live with the analysis engine.
 */
export interface Rollout {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export interface RolloutSpec {
  /** Desired pods; Argo's default is 1. */
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  workloadRef?: WorkloadRef;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  progressDeadlineAbort?: boolean;
  /** RFC 3339 time; pods created before it are restarted. */
  restartAt?: string;
  rollbackWindow?: { revisions?: number };
  analysis?: { successfulRunHistoryLimit?: number; unsuccessfulRunHistoryLimit?: number };
  strategy?: RolloutStrategy;
}

export interface WorkloadRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  scaleDown?: "never" | "onsuccess" | "progressively";
}

export interface RolloutStrategy {
  canary?: CanaryStrategy;
  blueGreen?: BlueGreenStrategy;
}

export interface AntiAffinity {
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number };
  requiredDuringSchedulingIgnoredDuringExecution?: Record<string, never>;
}

export interface PodTemplateMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Reference to analysis templates from a Rollout (step, background, pre/post promotion). */
export interface RolloutAnalysis {
  templates?: Array<{ templateName?: string; clusterScope?: boolean }>;
  args?: AnalysisRunArgument[];
  dryRun?: Array<{ metricName: string }>;
  measurementRetention?: Array<{ metricName: string; limit: number }>;
  analysisRunMetadata?: PodTemplateMetadata;
}

export interface AnalysisRunArgument {
  name: string;
  value?: string;
  valueFrom?: {
    podTemplateHashValue?: "Stable" | "Latest";
    fieldRef?: { fieldPath: string };
  };
}

export interface CanaryStrategy {
  canaryService?: string;
  stableService?: string;
  steps?: CanaryStep[];
  trafficRouting?: TrafficRouting;
  /** Default `"25"`, which Argo reads as 25 % (strings are always percentages). */
  maxSurge?: IntOrString;
  /** Default `"25"`, read as 25 %. */
  maxUnavailable?: IntOrString;
  analysis?: RolloutAnalysis & { startingStep?: number };
  antiAffinity?: AntiAffinity;
  canaryMetadata?: PodTemplateMetadata;
  stableMetadata?: PodTemplateMetadata;
  scaleDownDelaySeconds?: number;
  scaleDownDelayRevisionLimit?: number;
  abortScaleDownDelaySeconds?: number;
  dynamicStableScale?: boolean;
  pingPong?: { pingService?: string; pongService?: string };
  minPodsPerReplicaSet?: number;
  replicaProgressThreshold?: { type: "Percent" | "Pods"; value: number };
}

export interface TrafficRouting {
  /** Total weight the router splits (Nginx and plugins only); 100 when unset. */
  maxTrafficWeight?: number;
  managedRoutes?: Array<{ name: string }>;
  nginx?: Record<string, unknown>;
  istio?: {
    virtualService?: Record<string, unknown>;
    virtualServices?: Array<Record<string, unknown>>;
    destinationRule?: Record<string, unknown>;
  };
  smi?: Record<string, unknown>;
  alb?: { ingress?: string; ingresses?: string[]; servicePort?: number; rootService?: string; [f: string]: unknown };
  ambassador?: Record<string, unknown>;
  appMesh?: Record<string, unknown>;
  traefik?: Record<string, unknown>;
  apisix?: Record<string, unknown>;
  plugins?: Record<string, unknown>;
}

/** One canary step. Exactly one kind of action may be set per step. */
export interface CanaryStep {
  setWeight?: number;
  pause?: RolloutPause;
  analysis?: RolloutAnalysis;
  experiment?: RolloutExperimentStep;
  setCanaryScale?: SetCanaryScale;
  setHeaderRoute?: SetHeaderRoute;
  setMirrorRoute?: SetMirrorRoute;
  plugin?: { name: string; config?: unknown };
}

export interface RolloutPause {
  /** Seconds as a number, a bare numeric string, or a Go duration string (`"30s"`, `"1h"`). Absent: indefinite. */
  duration?: IntOrString;
}

export interface SetCanaryScale {
  replicas?: number;
  weight?: number;
  matchTrafficWeight?: boolean;
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface SetHeaderRoute {
  name: string;
  match?: Array<{ headerName: string; headerValue?: StringMatch }>;
}

export interface SetMirrorRoute {
  name: string;
  percentage?: number;
  match?: Array<{ method?: StringMatch; path?: StringMatch; headers?: Record<string, StringMatch> }>;
}

export interface RolloutExperimentStep {
  templates?: Array<{
    name: string;
    specRef: "canary" | "stable";
    replicas?: number;
    weight?: number;
    [field: string]: unknown;
  }>;
  duration?: string;
  analyses?: Array<{ name: string; templateName: string; args?: AnalysisRunArgument[]; [field: string]: unknown }>;
  [field: string]: unknown;
}

export interface BlueGreenStrategy {
  activeService?: string;
  previewService?: string;
  previewReplicaCount?: number;
  /** Default true. */
  autoPromotionEnabled?: boolean;
  autoPromotionSeconds?: number;
  maxUnavailable?: IntOrString;
  scaleDownDelaySeconds?: number;
  scaleDownDelayRevisionLimit?: number;
  prePromotionAnalysis?: RolloutAnalysis;
  postPromotionAnalysis?: RolloutAnalysis;
  antiAffinity?: AntiAffinity;
  previewMetadata?: PodTemplateMetadata;
  activeMetadata?: PodTemplateMetadata;
  abortScaleDownDelaySeconds?: number;
}

export type PauseReason = "CanaryPauseStep" | "BlueGreenPause" | "InconclusiveAnalysisRun" | "InconclusiveExperiment";

export interface PauseCondition {
  reason: PauseReason | (string & {});
  /** RFC 3339. */
  startTime: string;
}

export interface WeightDestination {
  weight: number;
  serviceName?: string;
  podTemplateHash?: string;
}

export interface TrafficWeights {
  canary: WeightDestination;
  stable: WeightDestination;
  additional?: WeightDestination[];
  /** Set when the router can verify the weight (ALB); absent otherwise. */
  verified?: boolean;
}

export interface RolloutStatus {
  abort?: boolean;
  abortedAt?: string;
  pauseConditions?: PauseCondition[] | null;
  controllerPause?: boolean;
  currentPodHash?: string;
  currentStepHash?: string;
  currentStepIndex?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  HPAReplicas?: number;
  selector?: string;
  collisionCount?: number;
  /** A string in Argo's status (it is compared with metadata.generation as text). */
  observedGeneration?: string;
  conditions?: KubeCondition[];
  stableRS?: string;
  restartedAt?: string;
  promoteFull?: boolean;
  phase?: RolloutPhase;
  message?: string;
  workloadObservedGeneration?: string;
  canary?: {
    currentStepAnalysisRunStatus?: { name: string; status: string; message?: string };
    currentBackgroundAnalysisRunStatus?: { name: string; status: string; message?: string };
    currentExperiment?: string;
    weights?: TrafficWeights;
    stablePingPong?: "ping" | "pong";
    stepPluginStatuses?: unknown[];
  };
  blueGreen?: {
    previewSelector?: string;
    activeSelector?: string;
    scaleUpPreviewCheckPoint?: boolean;
    prePromotionAnalysisRunStatus?: { name: string; status: string; message?: string };
    postPromotionAnalysisRunStatus?: { name: string; status: string; message?: string };
  };
  [field: string]: unknown;
}

export type RolloutPhase = "Healthy" | "Progressing" | "Paused" | "Degraded";
