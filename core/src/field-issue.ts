/** One rule broken by an input, named by its field path (e.g. `spec.strategy.canary.steps[2].setWeight`). */
export interface FieldIssue {
  /** Dotted path with [i] indexes, from the object's root. */
  field: string;
  /** Which rule was broken, in words a user can act on. */
  message: string;
}
