import { describe, expect, it } from "vitest";
import { NatsNameError, NatsNames } from "./nats-names.ts";

describe("NatsNames", () => {
  it("puts every subject and stream under the configured prefix", () => {
    const n = new NatsNames("t1a2b");
    expect(n.commandSubject("eu-1")).toBe("t1a2b.cmd.eu-1");
    expect(n.commandSubjects()).toBe("t1a2b.cmd.>");
    expect(n.eventSubject("eu-1", "summary")).toBe("t1a2b.evt.eu-1.summary");
    expect(n.eventSubjects()).toBe("t1a2b.evt.>");
    expect(n.eventSubjects("us-2")).toBe("t1a2b.evt.us-2.>");
    expect(n.changeSubject("rollouts")).toBe("t1a2b.chg.rollouts");
    expect(n.commandStream()).toBe("T1A2B_CMD");
    expect(n.eventStream()).toBe("T1A2B_EVT");
    expect(n.commandConsumer("eu-1")).toBe("cmd-eu-1");
    expect(n.ledgerQueue()).toBe("t1a2b-ledger");
  });

  it("defaults to bw", () => {
    expect(new NatsNames().commandSubject("c")).toBe("bw.cmd.c");
  });

  it.each([
    ["a.b", "cluster"],
    ["*", "cluster"],
    [">", "cluster"],
    ["has space", "cluster"],
    ["", "cluster"],
  ])("refuses %j as a cluster token, naming the field", (bad, field) => {
    const n = new NatsNames();
    expect(() => n.commandSubject(bad)).toThrowError(NatsNameError);
    try {
      n.commandSubject(bad);
    } catch (e) {
      expect((e as NatsNameError).field).toBe(field);
      expect((e as NatsNameError).code).toBe("INVALID_NATS_NAME");
    }
  });

  it("refuses a prefix with a separator", () => {
    expect(() => new NatsNames("bw.x")).toThrowError(/prefix/);
  });
});
