import type { FieldIssue } from "@bellwether/core";

/** An error the API reports as JSON `{code, message, field?}` with `statusCode` as the HTTP status. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly issues: FieldIssue[] | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { field?: string; issues?: FieldIssue[] } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.statusCode = statusCode;
    this.code = code;
    this.field = options.field;
    this.issues = options.issues;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, issues: this.issues };
  }
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "NOT_FOUND", `${what} not found`);
}

export function conflict(code: string, message: string, field?: string): ApiError {
  return new ApiError(409, code, message, field === undefined ? {} : { field });
}

export function invalid(field: string, message: string): ApiError {
  return new ApiError(400, "VALIDATION", `${field}: ${message}`, { field });
}

/** One 400 for a list of issues: the first names the field, all are listed. */
export function invalidIssues(issues: FieldIssue[], prefix = ""): ApiError {
  const named = issues.map((i) => ({
    field: prefix && i.field ? `${prefix}.${i.field}` : prefix || i.field,
    message: i.message,
  }));
  const first = named[0] ?? { field: prefix, message: "invalid" };
  return new ApiError(400, "VALIDATION", `${first.field}: ${first.message}`, { field: first.field, issues: named });
}
