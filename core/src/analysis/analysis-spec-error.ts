/** An AnalysisRun spec Argo would refuse at run time (the run then ends in phase Error with this message). */
export type AnalysisSpecErrorCode = "ARGS_UNRESOLVED" | "SPEC_INVALID";

export class AnalysisSpecError extends Error {
  override readonly name = "AnalysisSpecError";
  readonly code: AnalysisSpecErrorCode;

  constructor(code: AnalysisSpecErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
