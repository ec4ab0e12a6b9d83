import { evaluateResult, type Measurement, type Metric } from "@bellwether/core";

/** A finished measurement whose phase comes from the metric's conditions over `result` (Argo's `EvaluateResult`). */
export function evaluatedMeasurement(
  result: unknown,
  value: string,
  metric: Pick<Metric, "successCondition" | "failureCondition">,
  startedAt: string,
  finishedAt: string,
): Measurement {
  const verdict = evaluateResult(result, metric);
  return {
    phase: verdict.phase,
    value,
    startedAt,
    finishedAt,
    ...(verdict.message ? { message: verdict.message } : {}),
  };
}
