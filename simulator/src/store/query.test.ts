import { describe, expect, it } from "vitest";
import type { GqlRecord, ResourceName, ScanOptions, SearchFilter, SortKey } from "../types";
import { createStore, RESOURCES } from "./store";

type Obj = Record<string, unknown>;
const sec = (v: unknown) => Math.floor(Date.parse(String(v)) / 1000);
const num = (gid: string) => Number(/(\d+)(?:\?.*)?$/.exec(gid)![1]);

/** Reference sort values computed from record fields only (independent of the store's metadata). */
function refValue(resource: ResourceName, r: GqlRecord, key: SortKey): number | string {
  const d = r.discount as Obj | undefined;
  const created = sec(
    r.createdAt ?? d?.createdAt ?? r.startedAt ?? r.issuedAt ?? r.initiatedAt ?? r.transactionDate,
  );
  switch (key) {
    case "CREATED_AT":
      return created;
    case "UPDATED_AT":
      return sec(
        r.updatedAt ??
          d?.updatedAt ??
          (r.finalizedOn ||
            r.evidenceSentOn ||
            r.initiatedAt ||
            r.startedAt ||
            r.issuedAt ||
            r.transactionDate),
      );
    case "PROCESSED_AT":
      return sec(r.processedAt);
    case "NAME":
      return resource === "orders"
        ? (r.number as number)
        : String(r.displayName ?? r.name).toLowerCase();
    case "TITLE":
      return String(r.title ?? d?.title).toLowerCase();
    default:
      return num(r.id);
  }
}
function refSort(resource: ResourceName, rs: GqlRecord[], key: SortKey, reverse = false): string[] {
  const withV = rs.map((r) => ({ v: refValue(resource, r, key), id: num(r.id), gid: r.id }));
  withV.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a.id - b.id));
  if (reverse) withV.reverse();
  return withV.map((x) => x.gid);
}
const ids = (it: Iterable<{ record: GqlRecord }>) => [...it].map((x) => x.record.id);

const KEYS: Partial<Record<ResourceName, SortKey[]>> = {
  orders: ["ID", "CREATED_AT", "UPDATED_AT", "PROCESSED_AT", "NAME"],
  products: ["ID", "CREATED_AT", "UPDATED_AT", "TITLE"],
  customers: ["ID", "CREATED_AT", "UPDATED_AT", "NAME"],
  locations: ["ID", "NAME"],
  inventoryItems: ["ID", "CREATED_AT", "UPDATED_AT"],
  abandonedCheckouts: ["ID", "CREATED_AT", "UPDATED_AT", "NAME"],
  marketingEvents: ["ID", "CREATED_AT"],
  discounts: ["ID", "CREATED_AT", "UPDATED_AT", "TITLE"],
  payouts: ["ID", "CREATED_AT"],
  disputes: ["ID", "CREATED_AT", "UPDATED_AT"],
  balanceTransactions: ["ID", "CREATED_AT"],
};

function checkSorts(store: ReturnType<typeof createStore>): void {
  for (const resource of RESOURCES) {
    const c = store.collection(resource);
    const all = [...c.scan()].map((x) => x.record);
    expect(c.count(), resource).toBe(all.length);
    expect(all.map((r) => r.id)).toEqual(refSort(resource, all, "ID"));
    for (const key of KEYS[resource] ?? []) {
      for (const reverse of [false, true]) {
        expect(ids(c.scan({ sortKey: key, reverse })), `${resource} ${key} ${reverse}`).toEqual(
          refSort(resource, all, key, reverse),
        );
      }
    }
  }
}

function paged(
  store: ReturnType<typeof createStore>,
  resource: ResourceName,
  opts: ScanOptions,
  size: number,
): string[] {
  const out: string[] = [];
  let after = opts.after;
  for (;;) {
    const page: { record: GqlRecord; position: { sortValue: string | number; id: string } }[] = [];
    for (const x of store.collection(resource).scan({ ...opts, after })) {
      page.push(x);
      if (page.length === size) break;
    }
    out.push(...page.map((x) => x.record.id));
    if (page.length < size) return out;
    after = page[page.length - 1].position;
  }
}

function orderFilters(all: GqlRecord[]): [string, SearchFilter, (r: GqlRecord) => boolean][] {
  const upd = all.map((r) => sec(r.updatedAt)).sort((a, b) => a - b);
  const T = upd[Math.floor(upd.length / 2)];
  const T2 = sec(all[Math.floor(all.length * 0.3)].createdAt);
  const iso = (s: number) => new Date(s * 1000).toISOString().replace(".000", "");
  const day = String(all[100].createdAt).slice(0, 10);
  const N = num(all[250].id);
  return [
    [
      "updated_at>=T",
      [{ field: "updated_at", op: ">=", value: `'${iso(T)}'` }],
      (r) => sec(r.updatedAt) >= T,
    ],
    [
      "updated_at>T",
      [{ field: "updated_at", op: ">", value: iso(T) }],
      (r) => sec(r.updatedAt) > T,
    ],
    [
      "created_at<T2",
      [{ field: "created_at", op: "<", value: iso(T2) }],
      (r) => sec(r.createdAt) < T2,
    ],
    [
      "created_at:day",
      [{ field: "created_at", op: "=", value: day }],
      (r) => String(r.createdAt).startsWith(day),
    ],
    [
      "processed_at<=T2",
      [{ field: "processed_at", op: "<=", value: iso(T2) }],
      (r) => sec(r.processedAt) <= T2,
    ],
    ["id>N", [{ field: "id", op: ">", value: String(N) }], (r) => num(r.id) > N],
    [
      "id<=gid",
      [{ field: "id", op: "<=", value: `gid://shopify/Order/${N}` }],
      (r) => num(r.id) <= N,
    ],
    [
      "financial_status:paid",
      [{ field: "financial_status", op: "=", value: "paid" }],
      (r) => r.displayFinancialStatus === "PAID",
    ],
    [
      "-financial_status:paid",
      [{ field: "financial_status", op: "=", value: "paid", negate: true }],
      (r) => r.displayFinancialStatus !== "PAID",
    ],
    [
      "fulfillment_status:shipped",
      [{ field: "fulfillment_status", op: "=", value: "shipped" }],
      (r) => r.displayFulfillmentStatus === "FULFILLED",
    ],
    [
      "fulfillment_status:unshipped",
      [{ field: "fulfillment_status", op: "=", value: "unshipped" }],
      (r) => r.displayFulfillmentStatus === "UNFULFILLED",
    ],
    [
      "status:open",
      [{ field: "status", op: "=", value: "open" }],
      (r) => !r.closedAt && !r.cancelledAt,
    ],
    [
      "status:cancelled",
      [{ field: "status", op: "=", value: "cancelled" }],
      (r) => !!r.cancelledAt,
    ],
    ["name:#1010", [{ field: "name", op: "=", value: "#1010" }], (r) => r.name === "#1010"],
    ["name:1011", [{ field: "name", op: "=", value: "1011" }], (r) => r.name === "#1011"],
    ["test:true", [{ field: "test", op: "=", value: "true" }], (r) => r.test === true],
    ["unknown field ignored", [{ field: "no_such_field", op: "=", value: "x" }], () => true],
    [
      "updated_at>=T AND paid AND id>N",
      [
        { field: "updated_at", op: ">=", value: iso(T) },
        { field: "financial_status", op: "=", value: "paid" },
        { field: "id", op: ">", value: String(N) },
      ],
      (r) => sec(r.updatedAt) >= T && r.displayFinancialStatus === "PAID" && num(r.id) > N,
    ],
  ];
}

function checkOrderFilters(store: ReturnType<typeof createStore>): void {
  const c = store.collection("orders");
  const all = [...c.scan()].map((x) => x.record);
  for (const [label, filter, pred] of orderFilters(all)) {
    const want = all.filter(pred);
    expect(c.count(filter), label).toBe(want.length);
    for (const key of ["ID", "UPDATED_AT", "PROCESSED_AT", "CREATED_AT"] as const)
      for (const reverse of [false, true])
        expect(ids(c.scan({ filter, sortKey: key, reverse })), `${label} ${key}`).toEqual(
          refSort("orders", want, key, reverse),
        );
  }
}

describe("filters, sorts and positions agree with a brute-force reference", () => {
  it("on generated data", () => {
    const store = createStore({ domain: "query.myshopify.com", seed: 21, size: { orders: 500 } });
    checkSorts(store);
    checkOrderFilters(store);
    const products = store.collection("products");
    const all = [...products.scan()].map((x) => x.record);
    const word = String(all[3].title).split(" ")[0];
    expect(
      ids(
        products.scan({ filter: [{ field: "title", op: "=", value: `${word.toLowerCase()}*` }] }),
      ),
    ).toEqual(all.filter((p) => String(p.title).startsWith(word)).map((p) => p.id));
    expect(products.count([{ field: "status", op: "=", value: "active" }])).toBe(
      all.filter((p) => p.status === "ACTIVE").length,
    );
  });

  it("resumes strictly after a position (pagination), forward and reverse, with and without filters", () => {
    const store = createStore({ domain: "pages.myshopify.com", seed: 22, size: { orders: 400 } });
    for (const resource of ["orders", "customers", "balanceTransactions", "disputes"] as const)
      for (const key of KEYS[resource]!)
        for (const reverse of [false, true]) {
          const full = ids(store.collection(resource).scan({ sortKey: key, reverse }));
          expect(
            paged(store, resource, { sortKey: key, reverse }, 13),
            `${resource} ${key} ${reverse}`,
          ).toEqual(full);
        }
    const filter: SearchFilter = [{ field: "updated_at", op: ">=", value: "2025-06-01" }];
    const full = ids(store.collection("orders").scan({ filter, sortKey: "UPDATED_AT" }));
    expect(full.length).toBeGreaterThan(50);
    expect(paged(store, "orders", { filter, sortKey: "UPDATED_AT" }, 7)).toEqual(full);
  });

  it("with overlay changes: updates move in UPDATED_AT order, deletes vanish, creates appear", () => {
    const store = createStore({ domain: "overlay.myshopify.com", seed: 23, size: { orders: 300 } });
    const c = store.collection("orders");
    const before = c.count();
    const changed = ["4100000010", "4100000150", "4100000299"].map(
      (id) => store.update("orders", id, { tags: ["changed"] }).id,
    );
    const deleted = ["4100000011", "4100000012"];
    for (const id of deleted) store.delete("orders", id);
    const created = [
      store.create("orders", { note: "a" }).id,
      store.create("orders", { note: "b" }).id,
    ];
    expect(c.count()).toBe(before - 2 + 2);
    for (const id of deleted) {
      expect(c.get(id)).toBeUndefined();
      expect(store.node(`gid://shopify/Order/${id}`)).toBeUndefined();
    }
    const all = ids(c.scan());
    expect(all.slice(-2)).toEqual(created);
    for (const id of deleted) expect(all).not.toContain(`gid://shopify/Order/${id}`);
    // the most recently updated come last in UPDATED_AT order
    const byUpdated = ids(c.scan({ sortKey: "UPDATED_AT" }));
    expect(new Set(byUpdated.slice(-5))).toEqual(new Set([...changed, ...created]));
    const since = String(store.collection("orders").get(changed[0])!.updatedAt);
    const recent: SearchFilter = [{ field: "updated_at", op: ">=", value: since }];
    expect(c.count(recent)).toBe(5);
    expect(new Set(ids(c.scan({ filter: recent })))).toEqual(new Set([...changed, ...created]));
    expect(c.count([{ field: "updated_at", op: "<", value: since }])).toBe(before - 2 - 3);
    // everything still agrees with the reference
    store.update("products", "7200000003", { title: "Aardvark first" });
    store.delete("customers", "6300000004");
    store.create("customers", { firstName: "Zz", lastName: "Last" });
    store.update("discounts", "1400000002", { title: "0 first title" });
    checkSorts(store);
    checkOrderFilters(store);
    expect(ids(store.collection("products").scan({ sortKey: "TITLE" }))[0]).toBe(
      "gid://shopify/Product/7200000003",
    );
  });
});
