export type ProviderErrorCode = "INVALID_PROVIDER" | "REQUEST_FAILED" | "BAD_RESPONSE" | "NO_DATA" | "UNSUPPORTED";

/** A measurement that could not be taken; the reconciler records it as an Error measurement with this message. */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;

  constructor(code: ProviderErrorCode, message: string) {
    super(message);
    this.name = "ProviderError";
    this.code = code;
  }
}
