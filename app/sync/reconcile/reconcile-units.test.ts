import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import { getAdminSchema } from "~/graphql/schema.server";
import { resourceDefinitions } from "../resources";
import { diffMaps, RemoteMap, type LocalEntry } from "./diff";
import { hasTruncatedConnection, nodesQueryFor } from "./documents";
import { asBulkLines, idRanges } from "./heal.server";
import { MAP_SPECS } from "./remote-maps";

async function* pages(...p: LocalEntry[][]) {
  for (const x of p) yield x;
}
const T = (iso: string) => Date.parse(iso);
const local = (
  id: number,
  v: string | null,
  synced = "2025-01-01T00:00:00Z",
  deleted = false,
): LocalEntry => ({ id: BigInt(id), version: v ? T(v) : null, syncedAtMs: T(synced), deleted });

describe("diffMaps (merge-join of remote and local maps)", () => {
  const opts = {
    kind: "timestamp" as const,
    liveCutoffMs: T("2025-06-01T00:00:00Z"),
    startedAtMs: T("2025-06-01T00:00:05Z"),
  };

  it("GIVEN maps with every kind of difference WHEN diffed THEN each id is classified once", async () => {
    const remote = new RemoteMap("timestamp");
    // Unsorted on purpose (bulk files promise no order), with a duplicate (last wins).
    for (const [id, v] of [
      [5, "2025-02-01T00:00:00Z"],
      [1, "2025-01-01T00:00:00Z"],
      [3, "2025-03-01T00:00:00Z"],
      [4, "2025-01-01T00:00:00Z"],
      [7, "2025-07-01T00:00:00Z"],
      [8, "2025-01-01T00:00:00Z"],
      [9, "2025-01-02T00:00:00Z"],
      [9, "2025-01-01T00:00:00Z"],
    ] as const)
      remote.add(BigInt(id), v);
    const result = await diffMaps(
      remote,
      pages(
        [
          local(1, "2025-01-01T00:00:00Z"),
          local(2, "2025-01-01T00:00:00Z"),
          local(3, "2025-01-01T00:00:00Z"),
        ],
        [
          local(4, "2025-02-01T00:00:00Z"),
          local(6, "2025-01-01T00:00:00Z", "2025-06-02T00:00:00Z"),
          local(8, "2025-01-01T00:00:00Z", undefined, true),
          local(9, "2025-01-01T00:00:00Z"),
        ],
      ),
      opts,
    );
    const by = Object.fromEntries(
      result.findings.map((f) => [String(f.id), `${f.kind}/${f.reason}/${f.force}`]),
    );
    expect(by).toEqual({
      "2": "zombie/local-only/false",
      "3": "stale/remote-newer/false",
      "4": "stale/local-newer/true",
      "5": "missing/remote-only/false",
      "8": "missing/tombstoned-locally/true",
    });
    expect(result.counts).toEqual({ missing: 2, stale: 2, zombie: 1 });
    expect(result.skippedLive).toBe(2); // 6 written after the start, 7 changed remotely after the cutoff
    expect(result.matched).toBe(2); // 1 and 9
    expect(result.remoteCount).toBe(7);
  });

  it("compares states by equality and presence-only resources by id", async () => {
    const remote = new RemoteMap("state");
    remote.add(1n, "PAID");
    remote.add(2n, "IN_TRANSIT");
    const r = await diffMaps(
      remote,
      pages([
        { id: 1n, version: "PAID", syncedAtMs: 0, deleted: false },
        { id: 2n, version: "SCHEDULED", syncedAtMs: 0, deleted: false },
      ]),
      { ...opts, kind: "state" },
    );
    expect(r.findings.map((f) => [f.id, f.reason])).toEqual([[2n, "state-differs"]]);
    const none = new RemoteMap("none");
    none.add(1n, null);
    const n = await diffMaps(
      none,
      pages([
        { id: 1n, version: null, syncedAtMs: 0, deleted: false },
        { id: 3n, version: null, syncedAtMs: 0, deleted: false },
      ]),
      { ...opts, kind: "none" },
    );
    expect(n.findings.map((f) => [f.id, f.kind])).toEqual([[3n, "zombie"]]);
  });
});

describe("reconciliation documents", () => {
  it("every derived nodes(ids:) document validates against the Admin schema 2026-07", () => {
    const schema = getAdminSchema();
    for (const def of resourceDefinitions) {
      const errors = validate(schema, parse(nodesQueryFor(def)));
      expect(
        errors.map((e) => e.message),
        def.key,
      ).toEqual([]);
    }
    expect(Object.keys(MAP_SPECS).sort()).toEqual(resourceDefinitions.map((d) => d.key).sort());
  });

  it("turns a fetched node into bulk lines and spots truncated connections", () => {
    const node = {
      id: "gid://shopify/DiscountNode/1",
      discount: {
        title: "x",
        codes: {
          pageInfo: { hasNextPage: false },
          nodes: [{ id: "gid://shopify/DiscountRedeemCode/9", code: "A" }],
        },
      },
    };
    expect(asBulkLines(node)).toEqual([
      { id: "gid://shopify/DiscountNode/1", discount: { title: "x" } },
      {
        id: "gid://shopify/DiscountRedeemCode/9",
        code: "A",
        __parentId: "gid://shopify/DiscountNode/1",
      },
    ]);
    expect(hasTruncatedConnection(node)).toBe(false);
    expect(
      hasTruncatedConnection({ a: { b: { pageInfo: { hasNextPage: true }, nodes: [] } } }),
    ).toBe(true);
  });

  it("splits ids into ranges at the largest gaps", () => {
    expect(idRanges([1n, 2n, 3n, 100n, 101n, 5000n], 3)).toEqual([
      [1n, 3n],
      [100n, 101n],
      [5000n, 5000n],
    ]);
    expect(idRanges([1n, 50n], 5)).toEqual([
      [1n, 1n],
      [50n, 50n],
    ]);
  });
});
