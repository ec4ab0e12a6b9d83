/** A refused data-plane request: `invalid` names the field and the rule, `not_found` an unknown cluster. */
export class DataPlaneError extends Error {
  readonly code: "invalid" | "not_found";
  readonly field: string | undefined;

  constructor(code: "invalid" | "not_found", message: string, field?: string) {
    super(message);
    this.name = "DataPlaneError";
    this.code = code;
    this.field = field;
  }
}
