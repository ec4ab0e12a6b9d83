/**
 * A command to one Rollout, as the hub or the CLI's direct mode sends it. Every action carries the
 * expectations under which it still makes sense (design §2), so a redelivered or stale command never acts twice
 * or on the wrong revision.
 */
export type CommandAction =
  | { type: "promote"; expectStepIndex?: number; expectPodHash?: string }
  | { type: "promote-full"; expectPodHash?: string }
  | { type: "abort"; expectPodHash?: string }
  | { type: "retry" }
  | { type: "undo"; toPodTemplateHash: string }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "restart"; restartAt: string }
  | { type: "set-image"; images: Record<string, string> }
  | { type: "unsupported"; name: string };

export interface RolloutCommand {
  id: string;
  namespace: string;
  name: string;
  action: CommandAction;
  actor: string;
  reason?: string;
  /** Expires this long after issuedAt; 0 or absent = never. */
  ttlSeconds?: number;
  /** RFC 3339. */
  issuedAt?: string;
}

export type CommandOutcomeKind = "APPLIED" | "REJECTED" | "EXPIRED";

export interface CommandOutcome {
  id: string;
  outcome: CommandOutcomeKind;
  reason: string;
  /** The id was already recorded as applied: nothing was done this time. */
  duplicate: boolean;
}

/** Annotation with the ids of the last applied commands (JSON array, newest last). */
export const APPLIED_COMMANDS_ANNOTATION = "bellwether.dev/applied-commands";
/** Annotation carrying a command's status effect until the reconciler writes it into status. */
export const PENDING_STATUS_ANNOTATION = "bellwether.dev/pending-status";
export const APPLIED_COMMANDS_KEPT = 20;
