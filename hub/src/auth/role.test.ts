import { describe, expect, it } from "vitest";
import { roleAllows } from "./role.ts";

describe("roleAllows", () => {
  it("orders viewer < operator < admin and gives agent tokens nothing", () => {
    expect(roleAllows("admin", "operator")).toBe(true);
    expect(roleAllows("operator", "operator")).toBe(true);
    expect(roleAllows("operator", "admin")).toBe(false);
    expect(roleAllows("viewer", "operator")).toBe(false);
    expect(roleAllows("agent", "viewer")).toBe(false);
  });
});
