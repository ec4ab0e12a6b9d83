/**
 * Budgets that keep every evaluation bounded: a condition comes from a user's template and runs inside the
 * controller, so neither a huge text, a deep nesting nor a runaway loop may stall or crash it.
 */
export interface ExpressionLimits {
  /** Longest accepted source text, in characters. */
  maxSourceLength: number;
  /** Deepest nesting of the syntax tree (parentheses, calls, operators). */
  maxDepth: number;
  /** Evaluation steps (node visits and loop iterations) per run. */
  maxSteps: number;
  /** Largest array or string an expression may build (ranges, concatenations). */
  maxCollectionSize: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  maxSourceLength: 4096,
  maxDepth: 64,
  maxSteps: 100_000,
  maxCollectionSize: 100_000,
};
