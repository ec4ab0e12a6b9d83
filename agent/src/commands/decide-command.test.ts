import type { Rollout } from "@bellwether/core";
import { describe, expect, it } from "vitest";
import { appliedCommandIds, decideCommand, guardHolds, pendingStatusOf } from "./decide-command.ts";
import { APPLIED_COMMANDS_ANNOTATION, PENDING_STATUS_ANNOTATION, type RolloutCommand } from "./rollout-command.ts";

const NOW = Date.parse("2026-11-22T10:00:00Z");

function rollout(over: Partial<Rollout["status"]> = {}, annotations: Record<string, string> = {}): Rollout {
  return {
    metadata: { name: "web", namespace: "shop", uid: "u1", resourceVersion: "42", annotations },
    spec: {
      replicas: 5,
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            { name: "web", image: "web:1" },
            { name: "sidecar", image: "proxy:1" },
          ],
        },
      },
      strategy: {
        canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: 10 } }] },
      },
    },
    status: {
      currentPodHash: "abc",
      stableRS: "old",
      currentStepIndex: 1,
      pauseConditions: [{ reason: "CanaryPauseStep", startTime: "2026-11-22T09:59:00Z" }],
      ...over,
    },
  } as Rollout;
}

const cmd = (action: RolloutCommand["action"], extra: Partial<RolloutCommand> = {}): RolloutCommand => ({
  id: "c1",
  namespace: "shop",
  name: "web",
  action,
  actor: "user:alice",
  ...extra,
});

function written(r: Rollout, c: RolloutCommand, undo?: Record<string, unknown>) {
  const d = decideCommand(r, c, NOW, undo);
  if (d.kind !== "write") throw new Error(`expected a write, got ${JSON.stringify(d.outcome)}`);
  return d;
}

describe("decideCommand", () => {
  it("promotes at a pause: records the id and the pending status effect in one write, with a precondition", () => {
    const d = written(rollout(), cmd({ type: "promote", expectStepIndex: 1, expectPodHash: "abc" }));
    expect(d.outcome).toEqual({ id: "c1", outcome: "APPLIED", reason: "", duplicate: false });
    expect(d.write.metadata.resourceVersion).toBe("42");
    expect(JSON.parse(d.write.metadata.annotations[APPLIED_COMMANDS_ANNOTATION]!)).toEqual(["c1"]);
    const pending = JSON.parse(d.write.metadata.annotations[PENDING_STATUS_ANNOTATION]!);
    expect(pending).toMatchObject({ commandId: "c1", action: "promote", status: { pauseConditions: null } });
    expect(pending.guard).toMatchObject({ currentStepIndex: 1, currentPodHash: "abc", pauseConditions: 1 });
  });

  it("answers a redelivered command as a duplicate without writing", () => {
    const r = rollout({}, { [APPLIED_COMMANDS_ANNOTATION]: JSON.stringify(["c0", "c1"]) });
    const d = decideCommand(r, cmd({ type: "promote", expectStepIndex: 0 }), NOW);
    expect(d).toEqual({
      kind: "answer",
      outcome: { id: "c1", outcome: "APPLIED", reason: "already applied", duplicate: true },
    });
  });

  it("rejects a stale promote with the reason", () => {
    const r = rollout({ currentStepIndex: 3 });
    expect(decideCommand(r, cmd({ type: "promote", expectStepIndex: 2 }), NOW)).toMatchObject({
      kind: "answer",
      outcome: { outcome: "REJECTED", reason: "stale: step is 3, expected 2" },
    });
    expect(decideCommand(r, cmd({ type: "promote", expectPodHash: "zzz" }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED", reason: "stale: pod hash is abc, expected zzz" },
    });
  });

  it("expires a command past its ttl", () => {
    const d = decideCommand(
      rollout(),
      cmd({ type: "pause" }, { ttlSeconds: 60, issuedAt: "2026-11-22T09:58:00Z" }),
      NOW,
    );
    expect(d).toMatchObject({ kind: "answer", outcome: { outcome: "EXPIRED", reason: "expired 60s ago" } });
  });

  it("aborts once; a second abort and a retry without abort are rejected", () => {
    const d = written(rollout(), cmd({ type: "abort", expectPodHash: "abc" }));
    expect(
      pendingStatusOf({
        metadata: { name: "x", annotations: d.write.metadata.annotations as Record<string, string> },
      } as Rollout)?.status,
    ).toMatchObject({ abort: true, abortedAt: "2026-11-22T10:00:00Z", currentStepIndex: 0 });
    expect(decideCommand(rollout({ abort: true }), cmd({ type: "abort" }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED", reason: "already aborted" },
    });
    expect(decideCommand(rollout(), cmd({ type: "retry" }), NOW)).toMatchObject({ outcome: { outcome: "REJECTED" } });
    expect(
      written(rollout({ abort: true }), cmd({ type: "retry" })).write.metadata.annotations[PENDING_STATUS_ANNOTATION],
    ).toContain('"abort":false');
  });

  it("writes spec effects directly: pause, resume, restart", () => {
    expect(written(rollout(), cmd({ type: "pause" })).write.spec).toEqual({ paused: true });
    expect(written(rollout(), cmd({ type: "resume" })).write.spec).toEqual({ paused: false });
    expect(written(rollout(), cmd({ type: "restart", restartAt: "2026-11-22T10:05:00.123Z" })).write.spec).toEqual({
      restartAt: "2026-11-22T10:05:00Z",
    });
    expect(decideCommand(rollout(), cmd({ type: "restart", restartAt: "soon" }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED" },
    });
  });

  it("sets images by container name, keeping the other containers, and refuses unknown names", () => {
    const d = written(rollout(), cmd({ type: "set-image", images: { web: "web:2" } }));
    expect(d.write.spec).toEqual({
      template: {
        spec: {
          containers: [
            { name: "web", image: "web:2" },
            { name: "sidecar", image: "proxy:1" },
          ],
        },
      },
    });
    const all = written(rollout(), cmd({ type: "set-image", images: { "*": "x:9" } }));
    expect(
      (all.write.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers.map(
        (c) => c.image,
      ),
    ).toEqual(["x:9", "x:9"]);
    expect(decideCommand(rollout(), cmd({ type: "set-image", images: { nope: "a:1" } }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED", reason: "no container named nope" },
    });
  });

  it("undoes to another template exactly, removing what the current one added", () => {
    const target = { metadata: { labels: {} }, spec: { containers: [{ name: "web", image: "web:0" }] } };
    const d = written(rollout(), cmd({ type: "undo", toPodTemplateHash: "old" }), target);
    expect(d.write.spec).toEqual({
      template: { metadata: { labels: { app: null } }, spec: { containers: [{ name: "web", image: "web:0" }] } },
    });
    expect(decideCommand(rollout(), cmd({ type: "undo", toPodTemplateHash: "gone" }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED", reason: "no ReplicaSet with pod-template hash gone" },
    });
  });

  it("answers an unknown action unsupported", () => {
    expect(decideCommand(rollout(), cmd({ type: "unsupported", name: "teleport" }), NOW)).toMatchObject({
      outcome: { outcome: "REJECTED", reason: "unsupported" },
    });
  });

  it("keeps only the last 20 applied ids", () => {
    const ids = Array.from({ length: 20 }, (_, i) => `old${i}`);
    const d = written(rollout({}, { [APPLIED_COMMANDS_ANNOTATION]: JSON.stringify(ids) }), cmd({ type: "pause" }));
    const kept = JSON.parse(d.write.metadata.annotations[APPLIED_COMMANDS_ANNOTATION]!);
    expect(kept).toHaveLength(20);
    expect(kept[0]).toBe("old1");
    expect(kept.at(-1)).toBe("c1");
    expect(
      appliedCommandIds({
        metadata: { name: "x", annotations: { [APPLIED_COMMANDS_ANNOTATION]: "not json" } },
        spec: {},
      }),
    ).toEqual([]);
  });

  it("guards pending effects against a status that already moved", () => {
    const r = rollout();
    const d = written(r, cmd({ type: "promote" }));
    const pending = JSON.parse(d.write.metadata.annotations[PENDING_STATUS_ANNOTATION]!);
    expect(guardHolds(r, pending.guard)).toBe(true);
    expect(guardHolds(rollout({ pauseConditions: null }), pending.guard)).toBe(false);
    expect(guardHolds(rollout({ currentStepIndex: 2 }), pending.guard)).toBe(false);
  });

  describe("blue-green", () => {
    const bg = (status: Partial<Rollout["status"]>, paused = false): Rollout => {
      const r = rollout();
      return {
        ...r,
        spec: { ...r.spec, paused, strategy: { blueGreen: { activeService: "web", autoPromotionEnabled: false } } },
        status: { currentPodHash: "abc", stableRS: "old", blueGreen: { activeSelector: "old" }, ...status },
      } as Rollout;
    };
    const bluegreenPause = [{ reason: "BlueGreenPause", startTime: "2026-11-22T09:59:00Z" }];

    it("promote ends the BlueGreenPause (guarded on the pod hash), with no step to move", () => {
      const d = written(bg({ pauseConditions: bluegreenPause }), cmd({ type: "promote", expectPodHash: "abc" }));
      const pending = JSON.parse(d.write.metadata.annotations[PENDING_STATUS_ANNOTATION]!);
      expect(pending.status).toEqual({ pauseConditions: null });
      expect(pending.guard).toMatchObject({ currentStepIndex: null, currentPodHash: "abc", pauseConditions: 1 });
    });

    it("promote with nothing paused is rejected rather than reported as applied", () => {
      expect(decideCommand(bg({}), cmd({ type: "promote" }), NOW)).toMatchObject({
        kind: "answer",
        outcome: { outcome: "REJECTED", reason: "not paused: nothing to promote" },
      });
      // A user pause is still lifted by promote.
      expect(written(bg({}, true), cmd({ type: "promote" })).write.spec).toEqual({ paused: false });
    });

    it("promote for a superseded preview is stale", () => {
      const d = decideCommand(
        bg({ pauseConditions: bluegreenPause }),
        cmd({ type: "promote", expectPodHash: "xyz" }),
        NOW,
      );
      expect(d).toMatchObject({
        kind: "answer",
        outcome: { outcome: "REJECTED", reason: "stale: pod hash is abc, expected xyz" },
      });
    });

    it("promote-full and abort carry no step index", () => {
      const full = JSON.parse(
        written(bg({ pauseConditions: bluegreenPause }), cmd({ type: "promote-full" })).write.metadata.annotations[
          PENDING_STATUS_ANNOTATION
        ]!,
      );
      expect(full.status).toEqual({ promoteFull: true });
      const abort = JSON.parse(
        written(bg({ pauseConditions: bluegreenPause, controllerPause: true }), cmd({ type: "abort" })).write.metadata
          .annotations[PENDING_STATUS_ANNOTATION]!,
      );
      expect(abort.status).toEqual({
        abort: true,
        abortedAt: "2026-11-22T10:00:00Z",
        pauseConditions: null,
        controllerPause: false,
      });
    });
  });
});
