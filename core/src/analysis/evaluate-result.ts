import type { AnalysisPhase, Metric } from "../types/analysis.ts";
import { evaluateCondition } from "./evaluate-condition.ts";
import { ExpressionError } from "./expr/expression-error.ts";

export interface ResultVerdict {
  phase: AnalysisPhase;
  /** Why the measurement is Error (Argo's wording), absent otherwise. */
  message?: string;
  /** The condition's failure, for callers that branch on its `code`. */
  error?: ExpressionError;
}

/** Argo's `isNilOrEmpty`: nil, or an empty list. */
export function isNilOrEmptyResult(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}

function failure(kind: "successCondition" | "failureCondition", expression: string, result: unknown, e: unknown) {
  const error = e instanceof ExpressionError ? e : new ExpressionError("EXPR_RUNTIME", String(e));
  const reason = isNilOrEmptyResult(result)
    ? "metric result is nil or empty: no data returned from the metric provider"
    : error.message;
  return { phase: "Error" as const, message: `could not evaluate ${kind} "${expression}": ${reason}`, error };
}

/**
 * The phase of one measurement from a provider's result (`evaluate.EvaluateResult`): no conditions ⇒
 * Successful; only a success condition ⇒ Failed when false; only a failure condition ⇒ Successful when false;
 * both ⇒ failure wins, neither true ⇒ Inconclusive. A condition that cannot be evaluated makes it Error.
 */
export function evaluateResult(
  result: unknown,
  metric: Pick<Metric, "successCondition" | "failureCondition">,
): ResultVerdict {
  const successExpr = metric.successCondition ?? "";
  const failureExpr = metric.failureCondition ?? "";
  let success = false;
  let failed = false;
  if (successExpr !== "") {
    try {
      success = evaluateCondition(successExpr, result);
    } catch (e) {
      return failure("successCondition", successExpr, result, e);
    }
  }
  if (failureExpr !== "") {
    try {
      failed = evaluateCondition(failureExpr, result);
    } catch (e) {
      return failure("failureCondition", failureExpr, result, e);
    }
  }
  if (successExpr === "" && failureExpr === "") return { phase: "Successful" };
  if (failureExpr === "") failed = !success;
  if (successExpr === "") success = !failed;
  if (failed) return { phase: "Failed" };
  if (!success) return { phase: "Inconclusive" };
  return { phase: "Successful" };
}
