import type { AnalysisPhase, Argument, DryRun, MeasurementRetention } from "./analysis.ts";
import type { ObjectMeta } from "./kube-meta.ts";

/** An analysis an Experiment runs beside its templates (`spec.analyses[]`). */
export interface ExperimentAnalysisTemplateRef {
  name: string;
  templateName: string;
  clusterScope?: boolean;
  args?: Argument[];
  /** The experiment ends once every analysis marked so has completed. */
  requiredForCompletion?: boolean;
}

export interface ExperimentTemplate {
  name: string;
  replicas?: number;
  minReadySeconds?: number;
  selector?: Record<string, unknown>;
  template: Record<string, unknown>;
  service?: { name?: string };
}

export interface ExperimentSpec {
  templates: ExperimentTemplate[];
  duration?: string;
  progressDeadlineSeconds?: number;
  terminate?: boolean;
  analyses?: ExperimentAnalysisTemplateRef[];
  scaleDownDelaySeconds?: number;
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
  analysisRunMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface ExperimentAnalysisRunStatus {
  name: string;
  analysisRun: string;
  phase: AnalysisPhase;
  message?: string;
}

export interface ExperimentStatus {
  phase?: AnalysisPhase;
  message?: string;
  availableAt?: string;
  analysisRuns?: ExperimentAnalysisRunStatus[];
  templateStatuses?: Array<Record<string, unknown>>;
  conditions?: Array<Record<string, unknown>>;
}

/** `argoproj.io/v1alpha1` Experiment. */
export interface Experiment {
  apiVersion?: string;
  kind?: "Experiment";
  metadata?: ObjectMeta;
  spec: ExperimentSpec;
  status?: ExperimentStatus;
}
