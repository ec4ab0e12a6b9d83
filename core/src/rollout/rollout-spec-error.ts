/**
 * Thrown when a decision cannot be made because the Rollout breaks a spec rule (the same rules
 * `validateRollout` reports). The reconciler turns it into an `InvalidSpec` condition.
 */
export class RolloutSpecError extends Error {
  readonly code = "InvalidSpec" as const;
  /** Field path of the offending value, e.g. `spec.strategy.canary.maxSurge`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "RolloutSpecError";
    this.field = field;
  }
}
