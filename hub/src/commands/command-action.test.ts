import { describe, expect, it } from "vitest";
import { validateCommandArgs } from "./command-action.ts";

const fields = (action: Parameters<typeof validateCommandArgs>[0], args: unknown) =>
  validateCommandArgs(action, args).map((i) => i.field);

describe("validateCommandArgs", () => {
  it("accepts each action with its expectations", () => {
    expect(validateCommandArgs("promote", { expectStepIndex: 2, expectPodHash: "6d4f" })).toEqual([]);
    expect(validateCommandArgs("restart", { restartAt: "2026-11-22T10:00:00Z" })).toEqual([]);
    expect(validateCommandArgs("set-image", { images: { app: "registry/app:v2" } })).toEqual([]);
    expect(validateCommandArgs("retry", {})).toEqual([]);
  });

  it("requires every expectation, and refuses unknown or malformed arguments", () => {
    expect(fields("promote", { expectPodHash: "x" })).toEqual(["args.expectStepIndex"]);
    expect(fields("promote", { expectStepIndex: -1, expectPodHash: "" })).toEqual([
      "args.expectStepIndex",
      "args.expectPodHash",
    ]);
    expect(fields("pause", { now: true })).toEqual(["args.now"]);
    expect(fields("restart", { restartAt: "2026-11-22" })).toEqual(["args.restartAt"]);
    expect(fields("set-image", { images: { app: "" } })).toEqual(["args.images"]);
    expect(fields("undo", [])).toEqual(["args"]);
  });
});
