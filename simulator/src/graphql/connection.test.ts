import { describe, expect, it } from "vitest";
import type { ScanOptions } from "../types.js";
import { arrayConnection, checkPageArgs, decodeScanCursor, scanConnection, scanSource } from "./connection.js";

/** A sorted "collection" of n ids that counts how many items were pulled (laziness). */
function numbers(n: number) {
  const stats = { pulled: 0 };
  const source = scanSource(function* (o: ScanOptions) {
    const start = o.after ? Number(o.after.id) : o.reverse ? n + 1 : 0;
    if (!o.reverse) {
      for (let i = start + 1; i <= n; i++) {
        stats.pulled++;
        yield { record: { id: String(i) }, position: { sortValue: i, id: String(i) } };
      }
    } else {
      for (let i = start - 1; i >= 1; i--) {
        stats.pulled++;
        yield { record: { id: String(i) }, position: { sortValue: i, id: String(i) } };
      }
    }
  });
  return { source, stats };
}

const ids = (c: { nodes: Iterable<unknown> }) => [...c.nodes].map((x) => Number((x as { id: string }).id));

describe("scan connections", () => {
  it("pages forward through 1,000,000 items lazily", () => {
    const { source, stats } = numbers(1_000_000);
    const p1 = scanConnection(source, { first: 3 }, false);
    expect(ids(p1)).toEqual([1, 2, 3]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = scanConnection(source, { first: 3, after: p1.pageInfo.endCursor }, false);
    expect(ids(p2)).toEqual([4, 5, 6]);
    expect(p2.pageInfo.hasPreviousPage).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(8);
    expect(decodeScanCursor(p2.pageInfo.startCursor!)).toEqual({ id: "4", sortValue: 4 });
  });

  it("pages backwards with last/before and stops at after", () => {
    const { source } = numbers(10);
    const tail = scanConnection(source, { last: 3 }, false);
    expect(ids(tail)).toEqual([8, 9, 10]);
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = scanConnection(source, { last: 3, before: tail.pageInfo.startCursor }, false);
    expect(ids(before)).toEqual([5, 6, 7]);
    expect(before.pageInfo.hasNextPage).toBe(true);
    const head = scanConnection(source, { first: 2 }, false);
    const between = scanConnection(source, { last: 10, after: head.pageInfo.endCursor, before: tail.pageInfo.startCursor }, false);
    expect(ids(between)).toEqual([3, 4, 5, 6, 7]);
    const end = scanConnection(source, { first: 5, after: tail.pageInfo.endCursor }, false);
    expect(ids(end)).toEqual([]);
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });

  it("bulk mode streams every item without a limit", () => {
    const { source } = numbers(1000);
    const all = scanConnection(source, {}, true);
    expect(ids(all)).toHaveLength(1000);
    expect([...all.edges]).toHaveLength(1000);
  });

  it("rejects garbage cursors with a GraphQL error", () => {
    const { source } = numbers(5);
    expect(() => scanConnection(source, { first: 1, after: "%%%" }, false)).toThrow(/Invalid cursor/);
  });
});

describe("array connections", () => {
  const items = ["a", "b", "c", "d", "e"].map((id) => ({ id }));
  it("slices with first/after, last/before and reverse", () => {
    const p1 = arrayConnection(items, { first: 2 }, false);
    expect([...p1.nodes]).toEqual([{ id: "a" }, { id: "b" }]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = arrayConnection(items, { first: 10, after: p1.pageInfo.endCursor }, false);
    expect([...p2.nodes].map((x) => (x as { id: string }).id)).toEqual(["c", "d", "e"]);
    expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const last = arrayConnection(items, { last: 2 }, false);
    expect([...last.nodes].map((x) => (x as { id: string }).id)).toEqual(["d", "e"]);
    const rev = arrayConnection(items, { first: 2, reverse: true }, false);
    expect([...rev.nodes].map((x) => (x as { id: string }).id)).toEqual(["e", "d"]);
    expect([...arrayConnection(items, {}, true).nodes]).toHaveLength(5);
  });
});

describe("page argument checks", () => {
  it("match Shopify's messages and are skipped in bulk mode", () => {
    expect(() => checkPageArgs({}, false)).toThrow("you must provide one of first or last");
    expect(() => checkPageArgs({ first: 251 }, false)).toThrow(/^first cannot exceed 250/);
    expect(() => checkPageArgs({ first: 1, last: 1 }, false)).toThrow(/both first and last/);
    expect(() => checkPageArgs({}, true)).not.toThrow();
  });
});
