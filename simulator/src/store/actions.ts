/** Domain actions on order records (refund, fulfil, cancel, mark paid), keeping totals exact. */
import type { GqlRecord } from "../types";
import { BASE } from "./gen";
import { add, bag, type MoneyBag, type Pair, parseCents, sub, ZERO } from "./money";
import { cloneRecord } from "./patch";
import { iso, Rng } from "./rng";

type Obj = Record<string, unknown>;

export function pairOf(b: unknown): Pair {
  const m = b as MoneyBag | null | undefined;
  if (!m) return ZERO;
  return { s: parseCents(m.shopMoney.amount), p: parseCents(m.presentmentMoney.amount) };
}
function scale(x: Pair, num: number, den: number): Pair {
  return den === 0 ? ZERO : { s: Math.floor((x.s * num) / den), p: Math.floor((x.p * num) / den) };
}
function num(gid: unknown): number {
  const m = /\/(\d+)(?:\?.*)?$/.exec(String(gid));
  return m ? Number(m[1]) : NaN;
}
function nextChild(parentId: number, list: Obj[]): number {
  let k = 0;
  for (const x of list) {
    const n = num(x.id);
    if (Math.floor(n / 1000) === parentId) k = Math.max(k, n % 1000);
  }
  return parentId * 1000 + k + 1;
}

interface Ctx {
  order: Obj;
  id: number;
  mb: (x: Pair) => MoneyBag;
  at: string;
}
function ctxOf(orderRec: GqlRecord, nowSec: number): Ctx {
  const order = cloneRecord(orderRec) as Obj;
  const shopCur = String(order.currencyCode);
  const presCur = String(order.presentmentCurrencyCode ?? shopCur);
  return { order, id: num(order.id), mb: (x) => bag(x.s, x.p, shopCur, presCur), at: iso(nowSec) };
}

function lastCapture(order: Obj): Obj | undefined {
  const txs = (order.transactions as Obj[]) ?? [];
  for (let k = txs.length - 1; k >= 0; k--) {
    const t = txs[k];
    if ((t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS") return t;
  }
  return undefined;
}

function addTransaction(c: Ctx, kind: string, amount: Pair, parent?: Obj): Obj {
  const txs = (c.order.transactions as Obj[]) ?? [];
  const tid = nextChild(c.id, txs);
  const gateway =
    (parent?.gateway as string) ??
    (c.order.paymentGatewayNames as string[] | undefined)?.[0] ??
    "manual";
  const tx: Obj = {
    __typename: "OrderTransaction",
    id: `gid://shopify/OrderTransaction/${tid}`,
    kind,
    status: "SUCCESS",
    gateway,
    formattedGateway: (parent?.formattedGateway as string) ?? gateway,
    manualPaymentGateway: gateway === "manual",
    amountSet: c.mb(amount),
    createdAt: c.at,
    processedAt: c.at,
    parentTransaction: parent ? { __typename: "OrderTransaction", id: parent.id } : null,
    test: !!c.order.test,
    errorCode: null,
    authorizationExpiresAt: null,
    accountNumber: (parent?.accountNumber as string | null) ?? null,
    paymentId: `r${String(tid).slice(-8)}x`,
    multiCapturable: false,
    manuallyCapturable: false,
    fees: [],
    order: { __typename: "Order", id: c.order.id },
  };
  c.order.transactions = [...txs, tx];
  if (!(c.order.paymentGatewayNames as string[] | undefined)?.length)
    c.order.paymentGatewayNames = [gateway];
  return tx;
}

/** Recomputes the derived "current" fields after line quantities or refunds changed. */
function refreshCurrent(c: Ctx): void {
  const o = c.order;
  const lines = o.lineItems as Obj[];
  const refunds = (o.refunds as Obj[]) ?? [];
  let refundedSub = ZERO;
  let refundedTax = ZERO;
  let refundedShip = ZERO;
  let refundedDisc = ZERO;
  let refunded = ZERO;
  const refundedQty = new Map<string, number>();
  for (const r of refunds) {
    refunded = add(refunded, pairOf(r.totalRefundedSet));
    for (const rl of (r.refundLineItems as Obj[]) ?? []) {
      const lid = (rl.lineItem as Obj).id as string;
      refundedQty.set(lid, (refundedQty.get(lid) ?? 0) + (rl.quantity as number));
      refundedSub = add(refundedSub, pairOf(rl.subtotalSet));
      refundedTax = add(refundedTax, pairOf(rl.totalTaxSet));
      const line = lines.find((l) => l.id === lid);
      if (line)
        refundedDisc = add(
          refundedDisc,
          scale(pairOf(line.totalDiscountSet), rl.quantity as number, line.quantity as number),
        );
    }
    for (const rs of (r.refundShippingLines as Obj[]) ?? [])
      refundedShip = add(refundedShip, pairOf(rs.subtotalAmountSet));
  }
  let currentQty = 0;
  o.lineItems = lines.map((l) => {
    const q = (l.quantity as number) - (refundedQty.get(l.id as string) ?? 0);
    currentQty += q;
    return {
      ...l,
      currentQuantity: q,
      refundableQuantity: pairOf(o.totalReceivedSet).s > 0 ? q : 0,
    };
  });
  const subtotal = sub(pairOf(o.subtotalPriceSet), refundedSub);
  const tax = sub(pairOf(o.totalTaxSet), refundedTax);
  const ship = sub(pairOf(o.totalShippingPriceSet), refundedShip);
  const total = add(subtotal, tax, ship);
  const received = pairOf(o.totalReceivedSet);
  const net = sub(received, refunded);
  o.currentSubtotalPriceSet = c.mb(subtotal);
  o.currentTotalTaxSet = c.mb(tax);
  o.currentShippingPriceSet = c.mb(ship);
  o.currentTotalPriceSet = c.mb(total);
  o.currentTotalDiscountsSet = c.mb(sub(pairOf(o.totalDiscountsSet), refundedDisc));
  o.currentCartDiscountAmountSet = o.currentTotalDiscountsSet;
  o.currentSubtotalLineItemsQuantity = currentQty;
  o.totalRefundedSet = c.mb(refunded);
  o.totalRefundedShippingSet = c.mb(refundedShip);
  o.netPaymentSet = c.mb(net);
  o.refundable = net.s > 0;
  o.restockable = currentQty > 0;
  o.fullyPaid = received.s >= pairOf(o.totalPriceSet).s;
  o.unpaid = received.s === 0;
  const taxLines = (o.taxLines as Obj[]) ?? [];
  o.currentTaxLines =
    tax.s || tax.p ? taxLines.slice(0, 1).map((t) => ({ ...t, priceSet: c.mb(tax) })) : [];
  const sl = o.shippingLine as Obj | null;
  if (sl) {
    o.shippingLine = { ...sl, currentDiscountedPriceSet: c.mb(ship) };
    o.shippingLines = [o.shippingLine];
  }
}

/** A refund of everything still refundable (lines + shipping), or of `amount` (presentment currency) only. */
export function refund(
  orderRec: GqlRecord,
  nowSec: number,
  amount?: string,
  reason?: "cancel",
): { order: GqlRecord; refund: GqlRecord; tx?: GqlRecord } {
  const c = ctxOf(orderRec, nowSec);
  const o = c.order;
  const net = pairOf(o.netPaymentSet);
  const refunds = (o.refunds as Obj[]) ?? [];
  const rid = nextChild(c.id, refunds);
  const lines = o.lineItems as Obj[];
  const rlis: Obj[] = [];
  let money: Pair;
  let shipping = ZERO;
  if (amount !== undefined) {
    const p = parseCents(amount);
    if (p <= 0) throw new Error("refund amount must be positive");
    if (p > net.p)
      throw new Error(`refund amount ${amount} exceeds the refundable ${(net.p / 100).toFixed(2)}`);
    money =
      p === net.p ? net : { p, s: Math.min(net.s, Math.round((p * net.s) / Math.max(1, net.p))) };
  } else {
    // refund every remaining unit: subtotal/tax not yet refunded per line, and the remaining shipping
    const already = new Map<string, { q: number; sub: Pair; tax: Pair }>();
    for (const r of refunds)
      for (const rl of (r.refundLineItems as Obj[]) ?? []) {
        const lid = (rl.lineItem as Obj).id as string;
        const a = already.get(lid) ?? { q: 0, sub: ZERO, tax: ZERO };
        already.set(lid, {
          q: a.q + (rl.quantity as number),
          sub: add(a.sub, pairOf(rl.subtotalSet)),
          tax: add(a.tax, pairOf(rl.totalTaxSet)),
        });
      }
    let sum = ZERO;
    for (const l of lines) {
      const a = already.get(l.id as string) ?? { q: 0, sub: ZERO, tax: ZERO };
      const q = (l.quantity as number) - a.q;
      if (q <= 0) continue;
      const s = sub(pairOf(l.discountedTotalSet), a.sub);
      const lineTax = ((l.taxLines as Obj[]) ?? []).reduce<Pair>(
        (acc, t) => add(acc, pairOf(t.priceSet)),
        ZERO,
      );
      const tx = sub(lineTax, a.tax);
      const unfulfilled = (l.unfulfilledQuantity as number) ?? 0;
      rlis.push({
        __typename: "RefundLineItem",
        id: `gid://shopify/RefundLineItem/${rid * 1000 + rlis.length + 1}`,
        lineItem: { __typename: "LineItem", id: l.id },
        quantity: q,
        restockType: reason === "cancel" || unfulfilled >= q ? "CANCEL" : "RETURN",
        restocked: true,
        location: { __typename: "Location", id: `gid://shopify/Location/${BASE.locations}` },
        priceSet: l.originalUnitPriceSet,
        subtotalSet: c.mb(s),
        totalTaxSet: c.mb(tx),
      });
      sum = add(sum, s, tx);
    }
    shipping = sub(pairOf(o.totalShippingPriceSet), pairOf(o.totalRefundedShippingSet));
    sum = add(sum, shipping);
    money = { s: Math.min(sum.s, Math.max(0, net.s)), p: Math.min(sum.p, Math.max(0, net.p)) };
    if (rlis.length === 0 && money.s <= 0 && money.p <= 0)
      throw new Error("nothing left to refund");
  }
  let tx: Obj | undefined;
  if (money.s > 0 || money.p > 0) tx = addTransaction(c, "REFUND", money, lastCapture(o));
  const sl = o.shippingLine as Obj | null;
  const ref: Obj = {
    __typename: "Refund",
    id: `gid://shopify/Refund/${rid}`,
    legacyResourceId: String(rid),
    createdAt: c.at,
    updatedAt: c.at,
    processedAt: c.at,
    note: reason === "cancel" ? "Order cancelled" : null,
    totalRefundedSet: c.mb(money),
    order: { __typename: "Order", id: o.id },
    refundLineItems: rlis,
    refundShippingLines:
      sl && (shipping.s || shipping.p)
        ? [
            {
              __typename: "RefundShippingLine",
              id: `gid://shopify/RefundShippingLine/${rid * 1000 + 1}`,
              shippingLine: sl,
              subtotalAmountSet: c.mb(shipping),
              taxAmountSet: c.mb(ZERO),
            },
          ]
        : [],
    transactions: tx ? [tx] : [],
  };
  o.refunds = [...refunds, ref];
  // cancelled-line quantities are no longer fulfillable
  o.lineItems = lines.map((l) => {
    const rl = rlis.find((r) => (r.lineItem as Obj).id === l.id);
    if (!rl || rl.restockType !== "CANCEL") return l;
    const q = rl.quantity as number;
    const unf = Math.max(0, (l.unfulfilledQuantity as number) - q);
    return {
      ...l,
      unfulfilledQuantity: unf,
      nonFulfillableQuantity: ((l.nonFulfillableQuantity as number) ?? 0) + q,
    };
  });
  refreshCurrent(c);
  const netAfter = pairOf(o.netPaymentSet);
  if (money.s > 0 || money.p > 0)
    o.displayFinancialStatus =
      netAfter.s <= 0 && netAfter.p <= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
  o.fulfillable =
    !o.cancelledAt && (o.lineItems as Obj[]).some((l) => (l.unfulfilledQuantity as number) > 0);
  return { order: o as GqlRecord, refund: ref as GqlRecord, tx: tx as GqlRecord | undefined };
}

export function fulfill(
  orderRec: GqlRecord,
  nowSec: number,
): { order: GqlRecord; fulfillment: GqlRecord } {
  const c = ctxOf(orderRec, nowSec);
  const o = c.order;
  if (o.cancelledAt) throw new Error("cannot fulfil a cancelled order");
  const lines = o.lineItems as Obj[];
  const todo = lines.filter((l) => (l.unfulfilledQuantity as number) > 0);
  if (!todo.length) throw new Error("nothing left to fulfil");
  const fs = (o.fulfillments as Obj[]) ?? [];
  const fid = nextChild(c.id, fs);
  const rng = new Rng(fid % 4294967296);
  const number = `1Z${rng.digits(16)}`;
  const f: Obj = {
    __typename: "Fulfillment",
    id: `gid://shopify/Fulfillment/${fid}`,
    legacyResourceId: String(fid),
    name: `${o.name}.${fs.length + 1}`,
    status: "SUCCESS",
    displayStatus: "FULFILLED",
    createdAt: c.at,
    updatedAt: c.at,
    inTransitAt: null,
    deliveredAt: null,
    estimatedDeliveryAt: null,
    requiresShipping: true,
    totalQuantity: todo.reduce((s, l) => s + (l.unfulfilledQuantity as number), 0),
    trackingInfo: [{ company: "UPS", number, url: `https://www.ups.com/track?tracknum=${number}` }],
    location: { __typename: "Location", id: `gid://shopify/Location/${BASE.locations}` },
    order: { __typename: "Order", id: o.id },
    fulfillmentLineItems: todo.map((l, k) => {
      const q = l.unfulfilledQuantity as number;
      return {
        __typename: "FulfillmentLineItem",
        id: `gid://shopify/FulfillmentLineItem/${fid * 1000 + k + 1}`,
        lineItem: { __typename: "LineItem", id: l.id },
        quantity: q,
        originalTotalSet: c.mb(scale(pairOf(l.originalTotalSet), q, l.quantity as number)),
        discountedTotalSet: c.mb(scale(pairOf(l.discountedTotalSet), q, l.quantity as number)),
      };
    }),
  };
  o.fulfillments = [...fs, f];
  o.lineItems = lines.map((l) => ({
    ...l,
    unfulfilledQuantity: 0,
    unfulfilledOriginalTotalSet: c.mb(ZERO),
    unfulfilledDiscountedTotalSet: c.mb(ZERO),
  }));
  o.displayFulfillmentStatus = "FULFILLED";
  o.fulfillable = false;
  return { order: o as GqlRecord, fulfillment: f as GqlRecord };
}

export function markPaid(orderRec: GqlRecord, nowSec: number): { order: GqlRecord; tx: GqlRecord } {
  const c = ctxOf(orderRec, nowSec);
  const o = c.order;
  const status = o.displayFinancialStatus;
  if (
    o.cancelledAt ||
    !(status === "PENDING" || status === "PARTIALLY_PAID" || status === "AUTHORIZED")
  )
    throw new Error(`order with financial status ${String(status)} cannot be marked as paid`);
  const received = pairOf(o.totalReceivedSet);
  const due = sub(pairOf(o.currentTotalPriceSet), received);
  const txs = (o.transactions as Obj[]) ?? [];
  const auth =
    status === "AUTHORIZED"
      ? txs.find((t) => t.kind === "AUTHORIZATION" && t.status === "SUCCESS")
      : undefined;
  const tx = addTransaction(c, auth ? "CAPTURE" : "SALE", due, auth);
  const paid = add(received, due);
  o.totalReceivedSet = c.mb(paid);
  o.totalOutstandingSet = c.mb(ZERO);
  o.totalCapturableSet = c.mb(ZERO);
  o.capturable = false;
  o.canMarkAsPaid = false;
  o.displayFinancialStatus = "PAID";
  refreshCurrent(c);
  return { order: o as GqlRecord, tx: tx as GqlRecord };
}

export function cancel(
  orderRec: GqlRecord,
  nowSec: number,
): { order: GqlRecord; refund?: GqlRecord; moneyRefunded: boolean } {
  if (orderRec.cancelledAt) throw new Error("order is already cancelled");
  const before = orderRec.displayFinancialStatus;
  const net = pairOf(orderRec.netPaymentSet);
  let work: GqlRecord = orderRec;
  let ref: GqlRecord | undefined;
  let moneyRefunded = false;
  const hasLines = (orderRec.lineItems as Obj[]).some((l) => (l.currentQuantity as number) > 0);
  if (net.s > 0 || hasLines) {
    const r = refund(orderRec, nowSec, undefined, "cancel");
    work = r.order;
    ref = r.refund;
    moneyRefunded = !!r.tx;
  }
  const c = ctxOf(work, nowSec);
  const o = c.order;
  if (!moneyRefunded) {
    if (before === "AUTHORIZED") {
      const auth = ((o.transactions as Obj[]) ?? []).find(
        (t) => t.kind === "AUTHORIZATION" && t.status === "SUCCESS",
      );
      addTransaction(c, "VOID", pairOf(auth?.amountSet), auth);
    }
    o.displayFinancialStatus =
      before === "PAID" || before === "PARTIALLY_REFUNDED" || before === "REFUNDED"
        ? before
        : "VOIDED";
  }
  o.cancelledAt = c.at;
  o.cancelReason = "CUSTOMER";
  o.closed = true;
  o.closedAt = c.at;
  o.fulfillable = false;
  o.capturable = false;
  o.canMarkAsPaid = false;
  o.merchantEditable = false;
  o.totalOutstandingSet = c.mb(ZERO);
  o.totalCapturableSet = c.mb(ZERO);
  return { order: o as GqlRecord, refund: ref, moneyRefunded };
}
