import { describe, expect, it } from "vitest";
import { MAX_WINDOW_SECONDS, RecentCounts } from "./recent-counts.ts";

describe("RecentCounts", () => {
  it("sums the seconds inside the window and forgets slots a minute old", () => {
    const r = new RecentCounts();
    for (let second = 0; second < 90; second++) r.add(second * 1000 + 500, 10, second % 10 === 0 ? 1 : 0);
    // Window of 5 s ending in second 89: seconds 85..89.
    expect(r.sum(89_900, 5)).toEqual({ success: 50, errors: 0 });
    // Seconds 80..89 include second 80's error.
    expect(r.sum(89_900, 10)).toEqual({ success: 100, errors: 1 });
    // Asking for more than the ring holds gives the ring: seconds 30..89 (slots for 0..29 were reused).
    expect(r.sum(89_900, 600)).toEqual({ success: 10 * MAX_WINDOW_SECONDS, errors: 6 });
    // Later, with no traffic, old seconds fall out of the window.
    expect(r.sum(200_000, 60)).toEqual({ success: 0, errors: 0 });
  });
});
