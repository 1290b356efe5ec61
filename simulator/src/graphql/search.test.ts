import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "./search.js";

describe("parseSearchQuery", () => {
  it("parses field:value and comparators", () => {
    expect(parseSearchQuery("status:open")).toEqual([{ field: "status", op: "=", value: "open" }]);
    expect(parseSearchQuery("id:>1234")).toEqual([{ field: "id", op: ">", value: "1234" }]);
    expect(parseSearchQuery("id:>=1234 id:<2000 id:<=1999")).toEqual([
      { field: "id", op: ">=", value: "1234" },
      { field: "id", op: "<", value: "2000" },
      { field: "id", op: "<=", value: "1999" },
    ]);
  });

  it("handles single and double quotes, values with colons", () => {
    expect(parseSearchQuery("updated_at:>='2025-01-01T00:00:00Z'")).toEqual([{ field: "updated_at", op: ">=", value: "2025-01-01T00:00:00Z" }]);
    expect(parseSearchQuery('tag:"big spender" title:\'a b\'')).toEqual([
      { field: "tag", op: "=", value: "big spender" },
      { field: "title", op: "=", value: "a b" },
    ]);
    expect(parseSearchQuery("created_at:>2025-01-01T00:00:00Z")).toEqual([{ field: "created_at", op: ">", value: "2025-01-01T00:00:00Z" }]);
  });

  it("treats AND (explicit or implicit) as conjunction and lower-cases fields", () => {
    expect(parseSearchQuery("Status:open AND financial_status:paid  fulfillment_status:unshipped")).toEqual([
      { field: "status", op: "=", value: "open" },
      { field: "financial_status", op: "=", value: "paid" },
      { field: "fulfillment_status", op: "=", value: "unshipped" },
    ]);
  });

  it("negates with - and NOT", () => {
    expect(parseSearchQuery("-status:cancelled NOT tag:test")).toEqual([
      { field: "status", op: "=", value: "cancelled", negate: true },
      { field: "tag", op: "=", value: "test", negate: true },
    ]);
    expect(parseSearchQuery("-tag:'a b'")).toEqual([{ field: "tag", op: "=", value: "a b", negate: true }]);
  });

  it("keeps bare words as the default field and drops unknown fields when asked", () => {
    expect(parseSearchQuery("hoodie")).toEqual([{ field: "default", op: "=", value: "hoodie" }]);
    expect(parseSearchQuery('"green hoodie"')).toEqual([{ field: "default", op: "=", value: "green hoodie" }]);
    expect(parseSearchQuery("bogus:1 status:open", { knownFields: ["status"] })).toEqual([{ field: "status", op: "=", value: "open" }]);
  });

  it("returns [] for empty input", () => {
    expect(parseSearchQuery("")).toEqual([]);
    expect(parseSearchQuery(null)).toEqual([]);
    expect(parseSearchQuery("   ")).toEqual([]);
  });
});
