import { describe, expect, it } from "vitest";
import { ChangeFeed } from "./change-feed.ts";
import type { KubeObject } from "./kube-object.ts";

const obj = (name: string): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });

describe("ChangeFeed", () => {
  it("replays events after a resourceVersion and reports compaction once history is exceeded", () => {
    const feed = new ChangeFeed(3);
    for (let rv = 1; rv <= 5; rv++) {
      feed.append({
        type: "ADDED",
        resourceVersion: rv,
        groupResource: rv % 2 ? "a" : "b",
        object: obj(`o${rv}`),
        previous: undefined,
      });
    }
    expect(feed.oldestResumable).toBe(2);
    expect(feed.since(2)?.map((e) => e.resourceVersion)).toEqual([3, 4, 5]);
    expect(feed.since(2, "a")?.map((e) => e.resourceVersion)).toEqual([3, 5]);
    expect(feed.since(5)).toEqual([]);
    expect(feed.since(1)).toBeUndefined();
  });

  it("delivers to listeners of the group-resource and to catch-all listeners, until unsubscribed", () => {
    const feed = new ChangeFeed(10);
    const a: number[] = [];
    const all: number[] = [];
    const stopA = feed.subscribe("a", (e) => a.push(e.resourceVersion));
    feed.subscribe("*", (e) => all.push(e.resourceVersion));
    feed.append({ type: "ADDED", resourceVersion: 1, groupResource: "a", object: obj("x"), previous: undefined });
    feed.append({ type: "ADDED", resourceVersion: 2, groupResource: "b", object: obj("y"), previous: undefined });
    stopA();
    feed.append({ type: "ADDED", resourceVersion: 3, groupResource: "a", object: obj("z"), previous: undefined });
    expect(a).toEqual([1]);
    expect(all).toEqual([1, 2, 3]);
    expect(feed.listenerCount("a")).toBe(0);
  });

  it("refuses out-of-order versions and a non-positive history size", () => {
    const feed = new ChangeFeed(2);
    expect(() =>
      feed.append({ type: "ADDED", resourceVersion: 2, groupResource: "a", object: obj("x"), previous: undefined }),
    ).toThrow(/does not follow/);
    expect(() => new ChangeFeed(0)).toThrow(/historySize/);
  });
});
