import { describe, expect, it } from "vitest";
import { kubeTime } from "./kube-time.ts";

describe("kubeTime", () => {
  it("writes whole seconds in UTC, truncating", () => {
    expect(kubeTime(Date.parse("2026-11-22T00:16:24.999Z"))).toBe("2026-11-22T00:16:24Z");
    expect(kubeTime(Date.parse("2026-01-01T23:59:59.000Z"))).toBe("2026-01-01T23:59:59Z");
  });
});
