import { describe, expect, it } from "vitest";
import type { ChangeEvent, GqlRecord } from "../types";
import { createStore, expectedRecords } from "./store";

type Obj = Record<string, unknown>;

function setup() {
  const store = createStore({ domain: "changes.myshopify.com", seed: 31 });
  const events: ChangeEvent[] = [];
  store.on("change", (e) => events.push(e));
  const orders = [...store.collection("orders").scan()].map((x) => x.record);
  return { store, events, orders };
}

describe("changes emit exactly one ChangeEvent with the right topics and subject", () => {
  it("create / update / delete of every resource", () => {
    const { store, events } = setup();
    const creatable = [
      "orders",
      "products",
      "customers",
      "locations",
      "abandonedCheckouts",
      "marketingEvents",
      "discounts",
      "payouts",
      "disputes",
      "balanceTransactions",
    ] as const;
    for (const r of creatable) {
      const before = store.collection(r).count();
      const rec = store.create(r, r === "customers" ? { firstName: "Ann", lastName: "Lee" } : {});
      expect(events.length).toBeGreaterThan(0);
      const e = events.at(-1)!;
      expect([e.resource, e.action, e.record.id, e.silent, e.shop]).toEqual([
        r,
        "create",
        rec.id,
        false,
        "changes.myshopify.com",
      ]);
      expect(e.at > "2026-11-01T00:00:00Z").toBe(true);
      expect(store.collection(r).count()).toBe(before + 1);
      expect(store.collection(r).get(rec.id)).toEqual(rec);
      const upd = store.update(
        r,
        rec.id,
        r === "discounts" ? { title: "T" } : { note: "changed" },
        { silent: true },
      );
      expect([events.at(-1)!.action, events.at(-1)!.silent]).toEqual(["update", true]);
      expect(store.collection(r).get(rec.id)).toEqual(upd);
      const del = store.delete(r, rec.id);
      expect(del).toEqual(upd);
      expect([events.at(-1)!.action, events.at(-1)!.record.id]).toEqual(["delete", rec.id]);
      expect(store.collection(r).count()).toBe(before);
    }
    expect(events.length).toBe(creatable.length * 3);
    const kim = store.create("customers", { firstName: "Kim" });
    expect(kim.displayName).toBe(`Kim ${String(kim.lastName)}`);
    expect(() => store.create("inventoryItems")).toThrow(/product/);
    expect(() => store.update("orders", "1", {})).toThrow();
  });

  it("updates merge GraphQL-shaped patches (nested variants by id) and bump updatedAt", () => {
    const { store, events } = setup();
    const p = store.collection("products").get("7200000002")!;
    const variants = p.variants as Obj[];
    const next = store.update("products", p.id, {
      tags: ["a", "b"],
      variants: [{ id: variants[0].id, price: "9.99" }],
    });
    const nv = next.variants as Obj[];
    expect(next.tags).toEqual(["a", "b"]);
    expect(nv.length).toBe(variants.length);
    expect(nv[0].price).toBe("9.99");
    expect(nv[0].updatedAt).toBe(next.updatedAt);
    expect(nv.slice(1)).toEqual(variants.slice(1));
    expect(String(next.updatedAt) > String(p.updatedAt)).toBe(true);
    expect(next.title).toBe(p.title);
    expect(p.variants).toEqual(variants); // the earlier snapshot is not mutated
    expect(events.length).toBe(1);
    // a new variant gets an id under the product and its own inventory item
    const added = store.update("products", p.id, { variants: [{ title: "XXL", sku: "NEW-SKU" }] });
    const v = (added.variants as Obj[]).at(-1)!;
    expect(Math.floor(Number(String(v.id).split("/").pop()) / 1000)).toBe(7200000002);
    expect(store.node(String(v.id))).toEqual(v);
    expect(store.collection("inventoryItems").get(String(v.id).split("/").pop()!)?.sku).toBe(
      "NEW-SKU",
    );
    // discount code added → redeemcode topic
    const d = [...store.collection("discounts").scan()]
      .map((x) => x.record)
      .find((x) => Array.isArray((x.discount as Obj).codes))!;
    store.update("discounts", d.id, { discount: { codes: [{ code: "EXTRA-1" }] } });
    const e = events.at(-1)!;
    expect(e.topics).toEqual(["discounts/redeemcode_added"]);
    expect(e.subject?.__typename).toBe("DiscountRedeemCode");
    expect((e.subject as Obj).code).toBe("EXTRA-1");
    expect(store.node(e.subject!.id)).toEqual(e.subject);
  });

  it("product deletes append deletion events and remove their inventory items", () => {
    const { store } = setup();
    const p = store.collection("products").get("7200000005")!;
    const items = store.collection("inventoryItems").count();
    store.delete("products", p.id);
    expect(store.deletionEvents()).toEqual([
      {
        __typename: "DeletionEvent",
        occurredAt: expect.any(String),
        subjectId: p.id,
        subjectType: "PRODUCT",
      },
    ]);
    expect(store.collection("inventoryItems").count()).toBe(
      items - (p.variants as unknown[]).length,
    );
    expect(store.node(String((p.variants as Obj[])[0].id))).toBeUndefined();
  });

  it("domain actions: topics, subjects and totals", () => {
    const { store, events, orders } = setup();
    const paid = orders.find(
      (o) =>
        o.displayFinancialStatus === "PAID" &&
        o.displayFulfillmentStatus === "UNFULFILLED" &&
        !o.test,
    )!;
    const r1 = store.refundOrder(paid.id, { amount: "2.50" });
    let e = events.at(-1)!;
    expect(e.topics).toEqual(["refunds/create", "order_transactions/create"]);
    expect(e.subject?.__typename).toBe("Refund");
    expect((e.subject!.transactions as Obj[])[0].kind).toBe("REFUND");
    expect(r1.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    expect(((r1.totalRefundedSet as Obj).presentmentMoney as Obj).amount).toBe("2.50");
    expect(store.node(e.subject!.id)).toEqual(e.subject);
    expect(() => store.refundOrder(paid.id, { amount: "99999.00" })).toThrow(/exceeds/);
    const f = store.fulfillOrder(paid.id);
    e = events.at(-1)!;
    expect(e.topics).toEqual(["fulfillments/create", "orders/fulfilled"]);
    expect(e.subject?.__typename).toBe("Fulfillment");
    expect(f.displayFulfillmentStatus).toBe("FULFILLED");
    expect(() => store.fulfillOrder(paid.id)).toThrow();
    const full = store.refundOrder(paid.id);
    expect(full.displayFinancialStatus).toBe("REFUNDED");
    expect(((full.netPaymentSet as Obj).shopMoney as Obj).amount).toBe("0.00");
    expect(((full.currentTotalPriceSet as Obj).shopMoney as Obj).amount).toBe("0.00");
    const pending = orders.find((o) => o.displayFinancialStatus === "PENDING")!;
    const mp = store.markOrderPaid(pending.id);
    e = events.at(-1)!;
    expect(e.topics).toEqual(["orders/paid", "order_transactions/create"]);
    expect(e.subject?.__typename).toBe("OrderTransaction");
    expect(mp.displayFinancialStatus).toBe("PAID");
    const another = orders.find(
      (o) => o.displayFinancialStatus === "PAID" && !o.cancelledAt && o.id !== paid.id,
    )!;
    const c = store.cancelOrder(another.id);
    e = events.at(-1)!;
    expect(e.topics).toEqual(["orders/cancelled", "refunds/create", "order_transactions/create"]);
    expect(c.cancelledAt).toBe(e.at);
    expect(c.displayFinancialStatus).toBe("REFUNDED");
    expect(() => store.cancelOrder(another.id)).toThrow();
    const auth = orders.find((o) => o.displayFinancialStatus === "AUTHORIZED")!;
    const v = store.cancelOrder(auth.id, { silent: true });
    expect(v.displayFinancialStatus).toBe("VOIDED");
    expect(events.at(-1)!.silent).toBe(true);
    expect(events.at(-1)!.topics).toEqual(["orders/cancelled"]);
    // every change is one event; updated orders are newest in UPDATED_AT order
    expect(events.length).toBe(6); // the refused actions emitted nothing
    const newest = [...store.collection("orders").scan({ sortKey: "UPDATED_AT", reverse: true })]
      .slice(0, 4)
      .map((x) => x.record.id);
    expect(new Set(newest)).toEqual(new Set([paid.id, pending.id, another.id, auth.id]));
  });

  it("adjustInventory updates the level, the item and the product's totals", () => {
    const { store, events } = setup();
    const p = store.collection("products").get("7200000001")!;
    const v = (p.variants as Obj[])[0];
    const itemId = String((v.inventoryItem as Obj).id);
    const before = store.collection("inventoryItems").get(itemId)!;
    const level0 = (before.inventoryLevels as GqlRecord[])[0];
    const q = (l: GqlRecord, n: string) =>
      (l.quantities as (a: { names: string[] }) => { quantity: number }[]).call(l, {
        names: [n],
      })[0].quantity;
    const item = store.adjustInventory(itemId, String((level0.location as Obj).id), -3);
    const level = (item.inventoryLevels as GqlRecord[])[0];
    expect(q(level, "available")).toBe(q(level0, "available") - 3);
    expect(q(level, "on_hand")).toBe(q(level0, "on_hand") - 3);
    expect(q(level0, "available")).toBe(q((before.inventoryLevels as GqlRecord[])[0], "available")); // snapshot intact
    const e = events.at(-1)!;
    expect([e.resource, e.action, e.topics, e.subject?.id]).toEqual([
      "inventoryItems",
      "update",
      ["inventory_levels/update"],
      level.id,
    ]);
    expect(store.node(level.id)!.updatedAt).toBe(e.at);
    const p2 = store.collection("products").get(p.id)!;
    expect((p2.variants as Obj[])[0].inventoryQuantity).toBe(Number(v.inventoryQuantity) - 3);
    expect(p2.totalInventory).toBe(Number(p.totalInventory) - 3);
    expect(events.length).toBe(1);
  });

  it("listeners can be removed; expectedRecords streams live records", () => {
    const { store, events } = setup();
    const l = (e: ChangeEvent) => events.push(e);
    store.on("change", l);
    store.off("change", l);
    store.update("customers", "6300000001", { note: "x" });
    expect(events.length).toBe(1);
    store.delete("customers", "6300000002");
    const live = [...expectedRecords(store, "customers")];
    expect(live.length).toBe(store.collection("customers").count());
    expect(live.find((c) => c.id === "gid://shopify/Customer/6300000001")?.note).toBe("x");
  });
});
