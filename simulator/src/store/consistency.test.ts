import { describe, expect, it } from "vitest";
import type { GqlRecord } from "../types";
import { pairOf } from "./actions";
import { add, type Pair, parseCents, sub, ZERO } from "./money";
import { createStore } from "./store";

type Obj = Record<string, unknown>;
const ANCHOR = "2026-11-01T00:00:00Z";
const sum = (xs: Pair[]) => add(ZERO, ...xs);

/** Every money and status invariant of one order record. */
function checkOrder(o: GqlRecord, generated: boolean): void {
  const at = (k: string) => pairOf(o[k]);
  const lines = o.lineItems as Obj[];
  const txs = o.transactions as Obj[];
  const refunds = o.refunds as Obj[];
  const label = String(o.name);
  // totals
  expect(sum(lines.map((l) => pairOf(l.discountedTotalSet))), label).toEqual(
    at("subtotalPriceSet"),
  );
  expect(
    sub(sum(lines.map((l) => pairOf(l.originalTotalSet))), at("totalDiscountsSet")),
    label,
  ).toEqual(at("subtotalPriceSet"));
  expect(
    sum(lines.map((l) => sum((l.taxLines as Obj[]).map((t) => pairOf(t.priceSet))))),
    label,
  ).toEqual(at("totalTaxSet"));
  expect(
    add(at("subtotalPriceSet"), at("totalShippingPriceSet"), at("totalTaxSet")),
    label,
  ).toEqual(at("totalPriceSet"));
  expect(
    add(at("currentSubtotalPriceSet"), at("currentShippingPriceSet"), at("currentTotalTaxSet")),
    label,
  ).toEqual(at("currentTotalPriceSet"));
  for (const l of lines) {
    expect(pairOf(l.originalTotalSet)).toEqual({
      s: pairOf(l.originalUnitPriceSet).s * (l.quantity as number),
      p: pairOf(l.originalUnitPriceSet).p * (l.quantity as number),
    });
    expect(l.currentQuantity as number).toBeGreaterThanOrEqual(0);
  }
  // payments
  const ok = (k: string) =>
    txs.filter((t) => t.kind === k && t.status === "SUCCESS").map((t) => pairOf(t.amountSet));
  const received = sum([...ok("SALE"), ...ok("CAPTURE")]);
  expect(received, label).toEqual(at("totalReceivedSet"));
  expect(sum(ok("REFUND")), label).toEqual(at("totalRefundedSet"));
  expect(sum(refunds.map((r) => pairOf(r.totalRefundedSet))), label).toEqual(
    at("totalRefundedSet"),
  );
  expect(at("totalRefundedSet").s).toBeLessThanOrEqual(received.s);
  expect(at("totalRefundedSet").p).toBeLessThanOrEqual(received.p);
  expect(sub(received, at("totalRefundedSet"))).toEqual(at("netPaymentSet"));
  for (const r of refunds) {
    const rl = r.refundLineItems as Obj[];
    const money = pairOf(r.totalRefundedSet);
    if (rl.length && (money.s || money.p) && generated) {
      const parts = sum([
        ...rl.map((x) => add(pairOf(x.subtotalSet), pairOf(x.totalTaxSet))),
        ...(r.refundShippingLines as Obj[]).map((x) => pairOf(x.subtotalAmountSet)),
      ]);
      expect(parts, label).toEqual(money);
    }
    for (const t of r.transactions as Obj[]) expect(txs.some((x) => x.id === t.id)).toBe(true);
  }
  // statuses
  const f = o.displayFinancialStatus;
  if (f === "PAID") expect(received).toEqual(at("totalPriceSet"));
  if (f === "REFUNDED") expect(at("netPaymentSet")).toEqual(ZERO);
  if (f === "PARTIALLY_REFUNDED") expect(at("netPaymentSet").s).toBeGreaterThan(0);
  if (f === "PENDING" || f === "AUTHORIZED" || f === "VOIDED" || f === "EXPIRED")
    expect(received).toEqual(ZERO);
  const fs = o.fulfillments as Obj[];
  if (o.displayFulfillmentStatus === "UNFULFILLED") expect(fs).toEqual([]);
  else expect(fs.length).toBeGreaterThan(0);
  for (const fl of fs.flatMap((x) => x.fulfillmentLineItems as Obj[])) {
    const line = lines.find((l) => l.id === (fl.lineItem as Obj).id)!;
    expect(fl.quantity as number).toBeLessThanOrEqual(line.quantity as number);
  }
  if (o.cancelledAt) expect(o.closed).toBe(true);
  // times
  const created = String(o.createdAt);
  const updated = String(o.updatedAt);
  expect(updated >= created).toBe(true);
  if (generated) expect(updated < ANCHOR).toBe(true);
  const childTimes = [
    ...txs.map((t) => t.processedAt),
    ...refunds.map((r) => r.createdAt),
    ...fs.map((x) => x.updatedAt),
    o.closedAt,
    o.cancelledAt,
  ].filter(Boolean) as string[];
  for (const t of childTimes) {
    expect(t >= created || String(o.processedAt) <= t, `${label} ${t} < ${created}`).toBe(true);
    expect(t <= updated, `${label} ${t} > updatedAt ${updated}`).toBe(true);
  }
}

describe("consistency of generated money and statuses", () => {
  const store = createStore({ domain: "money.myshopify.com", seed: 11, size: { orders: 3000 } });
  const orders = [...store.collection("orders").scan()].map((x) => x.record);

  it("every order's totals, payments, refunds and fulfillments add up", () => {
    for (const o of orders) checkOrder(o, true);
  });

  it("has the variety a sync must handle", () => {
    const fin = new Set(orders.map((o) => o.displayFinancialStatus));
    const ful = new Set(orders.map((o) => o.displayFulfillmentStatus));
    const pres = new Set(orders.map((o) => o.presentmentCurrencyCode));
    expect(fin.size).toBeGreaterThanOrEqual(7);
    expect(ful).toEqual(new Set(["FULFILLED", "PARTIALLY_FULFILLED", "UNFULFILLED"]));
    expect(pres.size).toBeGreaterThanOrEqual(3);
    expect(orders.some((o) => o.cancelledAt)).toBe(true);
    expect(orders.some((o) => o.test)).toBe(true);
    expect(orders.some((o) => (o.discountCodes as string[]).length)).toBe(true);
    expect(orders.some((o) => o.processedAt !== o.createdAt)).toBe(true);
    const first = Date.parse(String(orders[0].createdAt));
    expect(Date.parse(ANCHOR) - first).toBeGreaterThan(700 * 86_400_000);
    // presentment ≠ shop money on foreign-currency orders
    const foreign = orders.find((o) => o.presentmentCurrencyCode !== "USD")!;
    expect((foreign.totalPriceSet as Obj & { shopMoney: Obj }).shopMoney.currencyCode).toBe("USD");
  });

  it("customers' order counts and amount spent match the orders", () => {
    const byCustomer = new Map<string, { n: number; net: number }>();
    for (const o of orders) {
      const id = (o.customer as Obj).id as string;
      const c = byCustomer.get(id) ?? { n: 0, net: 0 };
      c.n++;
      if (!o.test) c.net += pairOf(o.netPaymentSet).s;
      byCustomer.set(id, c);
    }
    for (const { record: c } of store.collection("customers").scan()) {
      const want = byCustomer.get(c.id) ?? { n: 0, net: 0 };
      expect(c.numberOfOrders).toBe(String(want.n));
      expect(parseCents(String((c.amountSpent as Obj).amount)), String(c.id)).toBe(want.net);
      if (want.n)
        expect(
          String(c.createdAt) <=
            String(orders.find((o) => (o.customer as Obj).id === c.id)!.createdAt),
        ).toBe(true);
    }
  });

  it("payouts equal the sum of their balance transactions; disputes reference disputed orders", () => {
    const perPayout = new Map<string, number>();
    for (const { record: b } of store.collection("balanceTransactions").scan()) {
      const p = (b.associatedPayout as Obj).id as string | null;
      const net = pairOf({ shopMoney: b.net, presentmentMoney: b.net }).s;
      if (p) perPayout.set(p, (perPayout.get(p) ?? 0) + net);
      const order = store.collection("orders").get(String((b.associatedOrder as Obj).id))!;
      expect(order.test).toBe(false);
    }
    let total = 0;
    for (const { record: p } of store.collection("payouts").scan()) {
      const net =
        pairOf({ shopMoney: p.net, presentmentMoney: p.net }).s *
        (p.transactionType === "WITHDRAWAL" ? -1 : 1);
      expect(net, String(p.id)).toBe(perPayout.get(p.id) ?? 0);
      total++;
    }
    expect(total).toBeGreaterThan(0);
    const disputes = [...store.collection("disputes").scan()].map((x) => x.record);
    expect(disputes.length).toBeGreaterThanOrEqual(5);
    for (const d of disputes) {
      const o = store.collection("orders").get(String((d.order as Obj).id))!;
      expect((o.disputes as Obj[]).map((x) => x.id)).toContain(d.id);
      expect(pairOf({ shopMoney: d.amount, presentmentMoney: d.amount }).s).toBe(
        pairOf(o.netPaymentSet).s,
      );
    }
  });

  it("domain actions keep every invariant", () => {
    const s = createStore({ domain: "actions.myshopify.com", seed: 12, size: { orders: 600 } });
    const all = [...s.collection("orders").scan()].map((x) => x.record);
    let n = 0;
    for (const o of all) {
      if (o.cancelledAt) continue;
      let cur = o;
      if (
        o.displayFinancialStatus === "PENDING" ||
        o.displayFinancialStatus === "PARTIALLY_PAID" ||
        o.displayFinancialStatus === "AUTHORIZED"
      )
        cur = s.markOrderPaid(o.id);
      if (pairOf(cur.netPaymentSet).s > 100 && n % 2 === 0)
        cur = s.refundOrder(o.id, { amount: "1.00" });
      if ((cur.lineItems as Obj[]).some((l) => (l.unfulfilledQuantity as number) > 0))
        cur = s.fulfillOrder(o.id);
      if (n % 3 === 0 && pairOf(cur.netPaymentSet).s > 0) cur = s.refundOrder(o.id);
      if (n % 5 === 0) cur = s.cancelOrder(o.id);
      checkOrder(cur, false);
      if (n % 5 === 0)
        expect(
          cur.displayFinancialStatus === "REFUNDED" || cur.displayFinancialStatus === "VOIDED",
        ).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(500);
    const refunded = s
      .collection("orders")
      .scan({ filter: [{ field: "financial_status", op: "=", value: "refunded" }] });
    for (const { record } of refunded) expect(() => s.refundOrder(record.id)).toThrow();
  });
});
