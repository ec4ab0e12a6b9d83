/** A Kubernetes API call answered with a non-2xx status; `code` is the HTTP status, `reason` Kubernetes' reason. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: unknown;

  constructor(code: number, reason: string, message: string, status?: unknown) {
    super(message);
    this.name = "KubeApiError";
    this.code = code;
    this.reason = reason;
    this.status = status;
  }

  static isNotFound(e: unknown): boolean {
    return e instanceof KubeApiError && e.code === 404;
  }

  static isConflict(e: unknown): boolean {
    return e instanceof KubeApiError && e.code === 409;
  }

  static isGone(e: unknown): boolean {
    return e instanceof KubeApiError && e.code === 410;
  }
}
