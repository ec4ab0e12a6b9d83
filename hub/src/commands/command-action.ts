import type { FieldIssue } from "@bellwether/core";

/** Conditional commands of design §2, with the arguments each needs. */
export const COMMAND_ACTIONS = [
  "promote",
  "promote-full",
  "abort",
  "retry",
  "undo",
  "pause",
  "resume",
  "restart",
  "set-image",
] as const;
export type CommandAction = (typeof COMMAND_ACTIONS)[number];

type ArgRule = "int" | "string" | "datetime" | "images";
const ARGS: Record<CommandAction, Record<string, ArgRule>> = {
  promote: { expectStepIndex: "int", expectPodHash: "string" },
  "promote-full": { expectPodHash: "string" },
  abort: { expectPodHash: "string" },
  retry: {},
  undo: { toPodTemplateHash: "string" },
  pause: {},
  resume: {},
  restart: { restartAt: "datetime" },
  "set-image": { images: "images" },
};

export function isCommandAction(v: unknown): v is CommandAction {
  return typeof v === "string" && (COMMAND_ACTIONS as readonly string[]).includes(v);
}

function checkArg(rule: ArgRule, value: unknown): string | null {
  switch (rule) {
    case "int":
      return Number.isInteger(value) && (value as number) >= 0 ? null : "must be a non-negative integer";
    case "string":
      return typeof value === "string" && value !== "" ? null : "must be a non-empty string";
    case "datetime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) && /T/.test(value)
        ? null
        : "must be an RFC 3339 time (absolute, so a redelivery restarts nothing twice)";
    case "images": {
      if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
        return "must map container names to images";
      }
      const bad = Object.entries(value).find(([, img]) => typeof img !== "string" || img === "");
      return bad ? `image of container ${bad[0]} must be a non-empty string` : null;
    }
  }
}

/** Every argument of `action` is required; unknown ones are refused. Fields are named `args.<name>`. */
export function validateCommandArgs(action: CommandAction, args: unknown): FieldIssue[] {
  const rules = ARGS[action];
  if (typeof args !== "object" || args === null || Array.isArray(args))
    return [{ field: "args", message: "must be an object" }];
  const issues: FieldIssue[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    if (!(name in args)) issues.push({ field: `args.${name}`, message: `is required for ${action}` });
    else {
      const problem = checkArg(rule, (args as Record<string, unknown>)[name]);
      if (problem) issues.push({ field: `args.${name}`, message: problem });
    }
  }
  for (const name of Object.keys(args)) {
    if (!(name in rules)) issues.push({ field: `args.${name}`, message: `is not an argument of ${action}` });
  }
  return issues;
}
