/**
 * Why an expression could not give a verdict. Messages follow expr-lang's wording (as Argo Rollouts surfaces
 * them, without the source position), so users see what Argo would have told them.
 */
export type ExpressionErrorCode =
  /** The text is not a valid expression. */
  | "EXPR_SYNTAX"
  /** A name that is neither in the environment nor a built-in. */
  | "EXPR_UNKNOWN_NAME"
  /** Operands or arguments of the wrong type (found while compiling or while running). */
  | "EXPR_TYPE"
  /** A failure while running: index out of range, a bad number string, a nil receiver. */
  | "EXPR_RUNTIME"
  /** The expression ran out of its step, size or nesting budget. */
  | "EXPR_LIMIT"
  /** The expression ran but its value is not a boolean. */
  | "EXPR_NOT_BOOL";

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  readonly code: ExpressionErrorCode;

  constructor(code: ExpressionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
