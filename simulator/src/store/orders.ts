/** Orders: a cheap plan (metadata) per index, exact integer-cent economics, and the GraphQL-shaped record. */
import type { GqlRecord } from "../types";
import {
  productCore,
  variantId,
  variantPrice,
  variantSku,
  variantTitle,
  numericOf,
  t,
} from "./catalog";
import { BASE, Gen, S } from "./gen";
import type { Meta } from "./internal";
import { discountCode, discountCore } from "./marketing";
import { add, bag, convert, type Pair, sub, ZERO } from "./money";
import { mailingAddress, person } from "./people";
import { DAY, HOUR, iso, Rng, weighted } from "./rng";
import { ORDER_TAGS, PLACES } from "./words";

export type Financial =
  | "PAID"
  | "PARTIALLY_PAID"
  | "PARTIALLY_REFUNDED"
  | "REFUNDED"
  | "PENDING"
  | "AUTHORIZED"
  | "VOIDED"
  | "EXPIRED";
export type FulfillmentState = "FULFILLED" | "PARTIALLY_FULFILLED" | "UNFULFILLED";

export interface OrderPlan {
  i: number;
  id: number;
  number: number;
  createdAt: number;
  processedAt: number;
  updatedAt: number;
  financial: Financial;
  fulfillment: FulfillmentState;
  cancelled: boolean;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  test: boolean;
  gateway: string;
  customer: number;
  lineCount: number;
  paidAt: number;
  authCapture: boolean;
  failFirst: boolean;
  fulfilledAt: number | null;
  deliveredAt: number | null;
  refundAt: number | null;
  /** Time of the VOID of a voided authorization. */
  voidAt: number | null;
  /** A template for a newly created order (no discount, shop currency). */
  created: boolean;
}

/** Presentment currency and discount of an order (not needed for metadata, so kept out of the plan). */
export function orderPricing(g: Gen, p: OrderPlan): { pres: string; discountIdx: number } {
  if (p.created) return { pres: g.currency, discountIdx: -1 };
  const per = person(g, p.customer);
  const pres =
    !p.test && per.localCurrency !== g.currency && g.hu(S.order, p.i, 20) < 0.8
      ? per.localCurrency
      : g.currency;
  let discountIdx = -1;
  if (g.hu(S.order, p.i, 21) < 0.2) {
    const maxD = g.lastIndexAtOrBefore(g.discountTimes, p.createdAt);
    if (maxD >= 0) {
      const d = g.h(S.order, p.i, 21) % (maxD + 1);
      if (discountCore(g, d).kind === "DiscountCodeBasic") discountIdx = d;
    }
  }
  return { pres, discountIdx };
}

const W_GATEWAY = [
  ["shopify_payments", 85],
  ["paypal", 10],
  ["manual", 5],
] as const;
const W_MANUAL: readonly (readonly [Financial, number])[] = [
  ["PENDING", 60],
  ["PARTIALLY_PAID", 15],
  ["PAID", 25],
];
const W_CARD: readonly (readonly [Financial, number])[] = [
  ["PAID", 78],
  ["PARTIALLY_REFUNDED", 8],
  ["REFUNDED", 5],
  ["AUTHORIZED", 5],
  ["VOIDED", 2],
  ["EXPIRED", 2],
];
const W_FULFILL: readonly (readonly [FulfillmentState, number])[] = [
  ["FULFILLED", 80],
  ["PARTIALLY_FULFILLED", 8],
  ["UNFULFILLED", 12],
];
const W_LINES = [
  [1, 40],
  [2, 30],
  [3, 20],
  [4, 10],
] as const;
const W_CANCEL = [
  ["CUSTOMER", 50],
  ["INVENTORY", 15],
  ["FRAUD", 10],
  ["DECLINED", 10],
  ["OTHER", 10],
  ["STAFF", 5],
] as const;
const W_QTY = [
  [1, 60],
  [2, 25],
  [3, 10],
  [4, 3],
  [5, 2],
] as const;

const DRAWS: number[] = new Array(23).fill(0);

/** The cheap part of an order: statuses and times (a handful of hashes, no allocation beyond the object). */
export function orderPlan(g: Gen, i: number, now?: number): OrderPlan {
  const customer = g.customerOfOrder(i);
  if (now !== undefined) {
    return {
      i,
      id: BASE.orders + i,
      number: 1001 + i,
      createdAt: now,
      processedAt: now,
      updatedAt: now,
      financial: "PAID",
      fulfillment: "UNFULFILLED",
      cancelled: false,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      test: false,
      gateway: "shopify_payments",
      customer,
      lineCount: 1 + (g.h(S.order, i, 6) % 3),
      paidAt: now,
      authCapture: false,
      failFirst: false,
      fulfilledAt: null,
      deliveredAt: null,
      refundAt: null,
      voidAt: null,
      created: true,
    };
  }
  const createdAt = g.time(g.orderTimes, i);
  // One PRNG stream per order: draws come in a fixed order, whatever the branches.
  const r = new Rng(g.h(S.order, i, 0));
  const U: number[] = DRAWS;
  for (let k = 0; k < 23; k++) U[k] = r.next();
  const lim = Math.max(createdAt, g.cap);
  const test = U[1] < 0.01;
  const cancelled = U[2] < 0.04;
  const gateway = test ? "bogus" : weighted(U[3], W_GATEWAY);
  let financial: Financial;
  if (cancelled) financial = gateway === "manual" ? "VOIDED" : U[4] < 0.6 ? "REFUNDED" : "VOIDED";
  else if (gateway === "manual") financial = weighted(U[4], W_MANUAL);
  else financial = weighted(U[4], W_CARD);
  const age = g.anchor - createdAt;
  let fulfillment: FulfillmentState = "UNFULFILLED";
  if (!cancelled && age >= 2 * DAY) {
    if (financial === "PAID" || financial === "PARTIALLY_REFUNDED")
      fulfillment = weighted(U[5], W_FULFILL);
    else if (financial === "REFUNDED") fulfillment = U[5] < 0.5 ? "FULFILLED" : "UNFULFILLED";
    else if (
      financial === "PENDING" ||
      financial === "PARTIALLY_PAID" ||
      financial === "AUTHORIZED"
    )
      fulfillment = U[5] < 0.15 ? "FULFILLED" : "UNFULFILLED";
  }
  let lineCount: number = weighted(U[6], W_LINES);
  if (fulfillment === "PARTIALLY_FULFILLED" && lineCount < 2) lineCount = 2;
  const processedAt =
    U[7] < 0.03
      ? createdAt -
        (1 + (((U[7] * 4294967296) >>> 0) % 89)) * DAY -
        (((U[8] * 4294967296) >>> 0) % DAY)
      : createdAt;
  const card = gateway === "shopify_payments" || gateway === "bogus";
  const captured =
    financial === "PAID" || financial === "PARTIALLY_REFUNDED" || financial === "REFUNDED";
  const authCapture = card && captured && U[9] < 0.2;
  const failFirst = gateway === "shopify_payments" && U[10] < 0.05;
  const fulfilledAt =
    fulfillment !== "UNFULFILLED"
      ? Math.min(lim, createdAt + 12 * HOUR + (((U[11] * 4294967296) >>> 0) % (108 * HOUR)))
      : null;
  let deliveredAt: number | null = null;
  if (fulfilledAt !== null && U[12] < 0.8) {
    const d = fulfilledAt + 2 * DAY + (((U[12] * 4294967296) >>> 0) % (3 * DAY));
    deliveredAt = d <= lim ? d : null;
  }
  const paidAt = authCapture
    ? (fulfilledAt ?? Math.min(lim, createdAt + HOUR + (((U[13] * 4294967296) >>> 0) % DAY)))
    : Math.min(lim, createdAt + 5 + (((U[13] * 4294967296) >>> 0) % 25));
  const cancelledAt = cancelled
    ? Math.min(lim, createdAt + HOUR + (((U[14] * 4294967296) >>> 0) % (3 * DAY)))
    : null;
  let refundAt: number | null = null;
  if (cancelled && financial === "REFUNDED") refundAt = cancelledAt;
  else if (financial === "REFUNDED" || financial === "PARTIALLY_REFUNDED")
    refundAt = Math.min(
      lim,
      Math.max(fulfilledAt ?? createdAt, paidAt) +
        DAY +
        (((U[15] * 4294967296) >>> 0) % (29 * DAY)),
    );
  const voidAt =
    financial === "VOIDED" && gateway !== "manual"
      ? (cancelledAt ?? Math.min(lim, createdAt + HOUR + (((U[15] * 4294967296) >>> 0) % DAY)))
      : null;
  let closedAt: number | null = cancelledAt;
  if (!cancelled && fulfillment === "FULFILLED" && captured && U[16] < 0.7)
    closedAt = Math.min(
      lim,
      Math.max(fulfilledAt ?? createdAt, refundAt ?? 0) +
        (((U[16] * 4294967296) >>> 0) % (2 * DAY)),
    );
  const lateEdit =
    U[17] < 0.1 ? Math.min(lim, createdAt + (((U[17] * 4294967296) >>> 0) % (120 * DAY))) : 0;
  const last = Math.max(
    createdAt + 5 + (((U[18] * 4294967296) >>> 0) % 295),
    paidAt,
    fulfilledAt ?? 0,
    deliveredAt ?? 0,
    refundAt ?? 0,
    cancelledAt ?? 0,
    closedAt ?? 0,
    voidAt ?? 0,
    lateEdit,
  );
  const updatedAt = Math.min(g.anchor - 1, last + (((U[19] * 4294967296) >>> 0) % 60));
  return {
    i,
    id: BASE.orders + i,
    number: 1001 + i,
    createdAt,
    processedAt,
    updatedAt,
    financial,
    fulfillment,
    cancelled,
    cancelledAt,
    cancelReason: cancelled ? weighted(U[22], W_CANCEL) : null,
    closedAt,
    test,
    gateway,
    customer,
    lineCount,
    paidAt,
    authCapture,
    failFirst,
    fulfilledAt,
    deliveredAt,
    refundAt,
    voidAt,
    created: false,
  };
}

export function orderStatus(p: { cancelled: boolean; closedAt: number | null }): string {
  return p.cancelled ? "cancelled" : p.closedAt !== null ? "closed" : "open";
}

export function orderMeta(g: Gen, i: number): Meta {
  return planMeta(orderPlan(g, i));
}
function planMeta(p: OrderPlan): Meta {
  return {
    id: p.id,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    processedAt: p.processedAt,
    name: `#${p.number}`,
    number: p.number,
    status: orderStatus(p),
    financialStatus: p.financial.toLowerCase(),
    fulfillmentStatus: p.fulfillment.toLowerCase(),
    test: p.test,
  };
}

export function orderMetaOf(r: GqlRecord): Meta {
  return {
    id: numericOf(r.id),
    createdAt: t(r.createdAt),
    updatedAt: t(r.updatedAt),
    processedAt: t(r.processedAt),
    name: r.name as string,
    number: r.number as number,
    status: orderStatus({ cancelled: !!r.cancelledAt, closedAt: r.closedAt ? 1 : null }),
    financialStatus: r.displayFinancialStatus
      ? String(r.displayFinancialStatus).toLowerCase()
      : undefined,
    fulfillmentStatus: String(r.displayFulfillmentStatus).toLowerCase(),
    test: !!r.test,
  };
}

// ---------------------------------------------------------------- economics (integer cents)

export interface EconLine {
  p: number;
  vk: number;
  qty: number;
  unit: Pair;
  orig: Pair;
  disc: Pair;
  total: Pair;
  tax: Pair;
  taxable: boolean;
  requiresShipping: boolean;
  grams: number;
}
export interface EconRefund {
  lines: {
    k: number;
    qty: number;
    sub: Pair;
    tax: Pair;
    restock: "RETURN" | "CANCEL" | "NO_RESTOCK";
  }[];
  shipping: Pair;
  amount: Pair;
  at: number;
}
export interface Econ {
  lines: EconLine[];
  taxBps: number;
  shipping: Pair;
  shippingTitle: string;
  subtotal: Pair;
  discounts: Pair;
  tax: Pair;
  total: Pair;
  received: Pair;
  refunds: EconRefund[];
  refunded: Pair;
  pct: number;
  pres: string;
  discountIdx: number;
}

const TAX_BPS: Record<string, number> = {
  US: 800,
  CA: 1300,
  GB: 2000,
  DE: 1900,
  FR: 2000,
  AU: 1000,
};

/** A shop-currency price as (shop, presentment) with the presentment amount rounded first. */
function priced(g: Gen, shopCents: number, pres: string): Pair {
  if (pres === g.currency) return { s: shopCents, p: shopCents };
  const p = convert(shopCents, g.currency, pres);
  return { s: convert(p, pres, g.currency), p };
}
function scale(x: Pair, num: number, den: number): Pair {
  return { s: Math.floor((x.s * num) / den), p: Math.floor((x.p * num) / den) };
}
function taxOf(x: Pair, bps: number): Pair {
  return { s: Math.floor((x.s * bps + 5000) / 10000), p: Math.floor((x.p * bps + 5000) / 10000) };
}

export function orderEcon(g: Gen, plan: OrderPlan): Econ {
  const rng = new Rng(g.h(S.order, plan.i, 77));
  const per = person(g, plan.customer);
  const taxBps = TAX_BPS[PLACES[per.place].countryCode] ?? 800;
  const { pres, discountIdx } = orderPricing(g, plan);
  const pct = discountIdx >= 0 ? discountCore(g, discountIdx).pct : 0;
  const maxP = Math.max(0, g.lastIndexAtOrBefore(g.productTimes, plan.createdAt));
  const lines: EconLine[] = [];
  for (let k = 0; k < plan.lineCount; k++) {
    const p = rng.int(maxP + 1);
    const vk = rng.int(g.variantCount(p));
    const qty: number = weighted(rng.next(), W_QTY);
    const unit = priced(g, variantPrice(g, p, vk), pres);
    const orig = { s: unit.s * qty, p: unit.p * qty };
    const disc = pct ? scale(orig, pct, 100) : ZERO;
    const total = sub(orig, disc);
    const taxable = rng.chance(0.95);
    lines.push({
      p,
      vk,
      qty,
      unit,
      orig,
      disc,
      total,
      tax: taxable ? taxOf(total, taxBps) : ZERO,
      taxable,
      requiresShipping: rng.chance(0.97),
      grams: 100 + rng.int(900),
    });
  }
  const ship = lines.some((l) => l.requiresShipping);
  const shipChoice = rng.int(4);
  const shipping = ship ? priced(g, [0, 599, 999, 1499][shipChoice], pres) : ZERO;
  const shippingTitle = ["Free shipping", "Standard", "Expedited", "Express"][shipChoice];
  const subtotal = add(...lines.map((l) => l.total));
  const discounts = add(...lines.map((l) => l.disc));
  const tax = add(...lines.map((l) => l.tax));
  const total = add(subtotal, shipping, tax);
  const f = plan.financial;
  const received =
    f === "PAID" || f === "PARTIALLY_REFUNDED" || f === "REFUNDED"
      ? total
      : f === "PARTIALLY_PAID"
        ? scale(total, 1, 2)
        : ZERO;
  const refunds: EconRefund[] = [];
  const restockFor = (k: number): "RETURN" | "CANCEL" =>
    plan.fulfillment === "FULFILLED" ||
    (plan.fulfillment === "PARTIALLY_FULFILLED" && k < lines.length - 1)
      ? "RETURN"
      : "CANCEL";
  if (f === "REFUNDED" || (plan.cancelled && f === "VOIDED")) {
    const money = f === "REFUNDED";
    refunds.push({
      lines: lines.map((l, k) => ({
        k,
        qty: l.qty,
        sub: l.total,
        tax: l.tax,
        restock: plan.cancelled ? "CANCEL" : restockFor(k),
      })),
      shipping: money ? shipping : ZERO,
      amount: money ? total : ZERO,
      at: plan.refundAt ?? plan.cancelledAt ?? plan.createdAt,
    });
  } else if (f === "PARTIALLY_REFUNDED") {
    const k = lines.length - 1;
    const l = lines[k];
    if (lines.length >= 2 || l.qty >= 2) {
      const s = scale(l.total, 1, l.qty);
      const tx = scale(l.tax, 1, l.qty);
      refunds.push({
        lines: [{ k, qty: 1, sub: s, tax: tx, restock: restockFor(k) }],
        shipping: ZERO,
        amount: add(s, tx),
        at: plan.refundAt!,
      });
    } else {
      refunds.push({
        lines: [],
        shipping: ZERO,
        amount: scale(received, 1, 2),
        at: plan.refundAt!,
      });
    }
  }
  const refunded = add(...refunds.map((r) => r.amount));
  return {
    lines,
    taxBps,
    shipping,
    shippingTitle,
    subtotal,
    discounts,
    tax,
    total,
    received,
    refunds,
    refunded,
    pct,
    pres,
    discountIdx,
  };
}

/** Net payment (shop cents) of a generated order, for customers' amountSpent and payouts. */
export function orderNet(g: Gen, i: number): { net: number; test: boolean } {
  const plan = orderPlan(g, i);
  if (
    plan.financial === "PENDING" ||
    plan.financial === "AUTHORIZED" ||
    plan.financial === "EXPIRED" ||
    (plan.financial === "VOIDED" && !plan.cancelled)
  )
    return { net: 0, test: plan.test };
  const e = orderEcon(g, plan);
  return { net: e.received.s - e.refunded.s, test: plan.test };
}

// ---------------------------------------------------------------- disputes (cheap part, used by orders and payments)

export interface DisputeLite {
  initiatedAt: number;
  type: "CHARGEBACK" | "INQUIRY";
  status: "NEEDS_RESPONSE" | "UNDER_REVIEW" | "WON" | "LOST" | "ACCEPTED";
  evidenceDueBy: number;
  evidenceSentOn: number | null;
  finalizedOn: number | null;
}

export function disputeEligible(p: OrderPlan): boolean {
  return (
    !p.test &&
    !p.cancelled &&
    p.gateway === "shopify_payments" &&
    (p.financial === "PAID" || p.financial === "PARTIALLY_REFUNDED")
  );
}

export function disputeLite(g: Gen, p: OrderPlan): DisputeLite | null {
  if (!disputeEligible(p) || g.hu(S.dispute, p.i, 1) >= g.sizes.disputeRate) return null;
  const x = g.h(S.dispute, p.i, 2);
  const initiatedAt = p.createdAt + 10 * DAY + (x % (50 * DAY));
  if (initiatedAt > g.cap) return null;
  const type = (x >>> 8) % 100 < 85 ? "CHARGEBACK" : "INQUIRY";
  const sent = initiatedAt + 3 * DAY + (g.h(S.dispute, p.i, 3) % (12 * DAY));
  const fin = initiatedAt + 30 * DAY + (g.h(S.dispute, p.i, 4) % (45 * DAY));
  let status: DisputeLite["status"];
  let evidenceSentOn: number | null = null;
  let finalizedOn: number | null = null;
  if (fin <= g.cap) {
    status = weighted(g.hu(S.dispute, p.i, 5), [
      ["WON", 40],
      ["LOST", 35],
      ["ACCEPTED", 25],
    ] as const);
    finalizedOn = fin;
    if (status !== "ACCEPTED") evidenceSentOn = sent;
  } else if (sent <= g.cap) {
    status = "UNDER_REVIEW";
    evidenceSentOn = sent;
  } else status = "NEEDS_RESPONSE";
  return {
    initiatedAt,
    type,
    status,
    evidenceDueBy: initiatedAt + 21 * DAY,
    evidenceSentOn,
    finalizedOn,
  };
}

// ---------------------------------------------------------------- the record

const CARRIERS = [
  ["UPS", "https://www.ups.com/track?tracknum="],
  ["USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels="],
  ["DHL Express", "https://www.dhl.com/en/express/tracking.html?AWB="],
  ["Canada Post", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor="],
] as const;

export function order(g: Gen, i: number, now?: number): GqlRecord {
  const plan = orderPlan(g, i, now);
  const e = orderEcon(g, plan);
  const rng = new Rng(g.h(S.order, i, 78));
  const id = plan.id;
  const S_ = g.currency;
  const P_ = e.pres;
  const mb = (x: Pair) => bag(x.s, x.p, S_, P_);
  const ref = (type: string, n: number) => ({ __typename: type, id: g.gid(type, n) });
  const per = person(g, plan.customer);
  const customerId = BASE.customers + plan.customer;
  const name = `#${plan.number}`;
  const lineIds = e.lines.map((_, k) => id * 1000 + k + 1);
  const taxTitle =
    (
      { 800: "State Tax", 1300: "HST", 2000: "VAT", 1900: "MwSt", 1000: "GST" } as Record<
        number,
        string
      >
    )[e.taxBps] ?? "Tax";
  const taxLine = (x: Pair) => ({
    title: taxTitle,
    rate: e.taxBps / 10000,
    ratePercentage: e.taxBps / 100,
    priceSet: mb(x),
    channelLiable: false,
    source: "Shopify",
  });

  // fulfillment coverage per line
  const fulfilledQty = e.lines.map((l, k) =>
    plan.fulfillment === "FULFILLED"
      ? l.qty
      : plan.fulfillment === "PARTIALLY_FULFILLED" && k < e.lines.length - 1
        ? l.qty
        : 0,
  );
  const refundedQty = e.lines.map(() => 0);
  const cancelledQty = e.lines.map(() => 0);
  let refundedSub = ZERO;
  let refundedTax = ZERO;
  let refundedShip = ZERO;
  let refundedDisc = ZERO;
  for (const r of e.refunds) {
    for (const rl of r.lines) {
      refundedQty[rl.k] += rl.qty;
      if (rl.restock === "CANCEL") cancelledQty[rl.k] += rl.qty;
      refundedSub = add(refundedSub, rl.sub);
      refundedTax = add(refundedTax, rl.tax);
      refundedDisc = add(refundedDisc, scale(e.lines[rl.k].disc, rl.qty, e.lines[rl.k].qty));
    }
    refundedShip = add(refundedShip, r.shipping);
  }

  const lineItems: GqlRecord[] = e.lines.map((l, k) => {
    const pid = BASE.products + l.p;
    const core = productCore(g, l.p);
    const vt = variantTitle(g, l.p, l.vk);
    const current = l.qty - refundedQty[k];
    const unfulfilled = Math.max(0, l.qty - fulfilledQty[k] - cancelledQty[k]);
    const unitAfter = scale(l.total, 1, l.qty);
    return {
      __typename: "LineItem",
      id: g.gid("LineItem", lineIds[k]),
      name: vt === "Default Title" ? core.title : `${core.title} - ${vt}`,
      title: core.title,
      variantTitle: vt === "Default Title" ? null : vt,
      sku: variantSku(g, l.p, l.vk),
      vendor: core.vendor,
      quantity: l.qty,
      currentQuantity: current,
      refundableQuantity: e.received.s > 0 ? current : 0,
      unfulfilledQuantity: unfulfilled,
      nonFulfillableQuantity: cancelledQty[k],
      requiresShipping: l.requiresShipping,
      taxable: l.taxable,
      isGiftCard: false,
      restockable: true,
      merchantEditable: !plan.cancelled,
      originalUnitPriceSet: mb(l.unit),
      originalTotalSet: mb(l.orig),
      discountedUnitPriceSet: mb(unitAfter),
      discountedUnitPriceAfterAllDiscountsSet: mb(unitAfter),
      discountedTotalSet: mb(l.total),
      priceAfterAllDiscountsBeforeTaxesSet: mb(l.total),
      discountAllocations: [],
      totalDiscountSet: mb(l.disc),
      unfulfilledOriginalTotalSet: mb({ s: l.unit.s * unfulfilled, p: l.unit.p * unfulfilled }),
      unfulfilledDiscountedTotalSet: mb(scale(l.total, unfulfilled, l.qty)),
      taxLines: l.tax.s || l.tax.p ? [taxLine(l.tax)] : [],
      customAttributes: [],
      duties: [],
      weight: { unit: "GRAMS", value: l.grams },
      product: ref("Product", pid),
      variant: ref("ProductVariant", variantId(pid, l.vk)),
    };
  });

  // transactions
  const transactions: GqlRecord[] = [];
  let txk = 0;
  const test = plan.test;
  const card = plan.gateway === "shopify_payments" || plan.gateway === "bogus";
  const tx = (
    kind: string,
    status: string,
    amount: Pair,
    at: number,
    parent?: GqlRecord,
    extra?: Record<string, unknown>,
  ): GqlRecord => {
    txk++;
    const tid = id * 1000 + txk;
    const rec: GqlRecord = {
      __typename: "OrderTransaction",
      id: g.gid("OrderTransaction", tid),
      kind,
      status,
      gateway: plan.gateway,
      formattedGateway:
        {
          shopify_payments: "Shopify Payments",
          paypal: "PayPal Express Checkout",
          manual: "Manual",
          bogus: "Bogus",
        }[plan.gateway] ?? plan.gateway,
      manualPaymentGateway: plan.gateway === "manual",
      amountSet: mb(amount),
      createdAt: iso(at),
      processedAt: iso(at),
      parentTransaction: parent ? { __typename: "OrderTransaction", id: parent.id } : null,
      test,
      errorCode: null,
      authorizationExpiresAt: null,
      accountNumber: card ? `•••• •••• •••• ${4242 + (tid % 7) * 1111}`.slice(0, 24) : null,
      paymentId: `r${String(tid).slice(-8)}${(txk + 9).toString(36)}`,
      multiCapturable: false,
      manuallyCapturable: false,
      fees: [],
      order: { __typename: "Order", id: g.gid("Order", id) },
      ...extra,
    };
    transactions.push(rec);
    return rec;
  };
  if (plan.failFirst && e.received.s > 0)
    tx("SALE", "FAILURE", e.total, plan.createdAt, undefined, { errorCode: "CARD_DECLINED" });
  let captureTx: GqlRecord | undefined;
  const f = plan.financial;
  if (f === "PAID" || f === "PARTIALLY_REFUNDED" || f === "REFUNDED") {
    if (plan.authCapture) {
      const a = tx("AUTHORIZATION", "SUCCESS", e.total, plan.createdAt, undefined, {
        authorizationExpiresAt: iso(plan.createdAt + 7 * DAY),
      });
      captureTx = tx("CAPTURE", "SUCCESS", e.total, plan.paidAt, a);
    } else captureTx = tx("SALE", "SUCCESS", e.total, plan.paidAt);
  } else if (f === "PARTIALLY_PAID") {
    captureTx = tx("SALE", "SUCCESS", e.received, plan.paidAt);
  } else if (f === "AUTHORIZED" || f === "EXPIRED") {
    tx("AUTHORIZATION", "SUCCESS", e.total, plan.createdAt, undefined, {
      authorizationExpiresAt: iso(plan.createdAt + 7 * DAY),
      manuallyCapturable: f === "AUTHORIZED",
    });
  } else if (f === "VOIDED" && plan.gateway !== "manual") {
    const a = tx("AUTHORIZATION", "SUCCESS", e.total, plan.createdAt, undefined, {
      authorizationExpiresAt: iso(plan.createdAt + 7 * DAY),
    });
    tx("VOID", "SUCCESS", e.total, plan.voidAt ?? plan.createdAt, a);
  }

  // shipping line
  const shippingLine = e.lines.some((l) => l.requiresShipping)
    ? {
        __typename: "ShippingLine",
        id: g.gid("ShippingLine", id * 1000 + 1),
        title: e.shippingTitle,
        code: e.shippingTitle,
        source: "shopify",
        carrierIdentifier: null,
        custom: false,
        isRemoved: false,
        deliveryCategory: null,
        phone: null,
        shippingRateHandle: null,
        originalPriceSet: mb(e.shipping),
        discountedPriceSet: mb(e.shipping),
        currentDiscountedPriceSet: mb(sub(e.shipping, refundedShip)),
        discountAllocations: [],
        taxLines: [],
      }
    : null;

  // refunds
  const refunds: GqlRecord[] = e.refunds.map((r, ri) => {
    const rid = id * 1000 + ri + 1;
    const rtx =
      r.amount.s || r.amount.p ? [tx("REFUND", "SUCCESS", r.amount, r.at, captureTx)] : [];
    return {
      __typename: "Refund",
      id: g.gid("Refund", rid),
      legacyResourceId: String(rid),
      createdAt: iso(r.at),
      updatedAt: iso(r.at),
      processedAt: iso(r.at),
      note: plan.cancelled ? "Order cancelled" : rng.chance(0.5) ? "Customer return" : null,
      totalRefundedSet: mb(r.amount),
      order: { __typename: "Order", id: g.gid("Order", id) },
      refundLineItems: r.lines.map((rl, k) => ({
        __typename: "RefundLineItem",
        id: g.gid("RefundLineItem", rid * 1000 + k + 1),
        lineItem: { __typename: "LineItem", id: g.gid("LineItem", lineIds[rl.k]) },
        quantity: rl.qty,
        restockType: rl.restock,
        restocked: rl.restock !== "NO_RESTOCK",
        location: rl.restock !== "NO_RESTOCK" ? ref("Location", BASE.locations) : null,
        priceSet: mb(e.lines[rl.k].unit),
        subtotalSet: mb(rl.sub),
        totalTaxSet: mb(rl.tax),
      })),
      refundShippingLines:
        (r.shipping.s || r.shipping.p) && shippingLine
          ? [
              {
                __typename: "RefundShippingLine",
                id: g.gid("RefundShippingLine", rid * 1000 + 1),
                shippingLine,
                subtotalAmountSet: mb(r.shipping),
                taxAmountSet: mb(ZERO),
              },
            ]
          : [],
      transactions: rtx,
    };
  });

  // fulfillments
  const fulfillments: GqlRecord[] = [];
  if (plan.fulfilledAt !== null) {
    const fid = id * 1000 + 1;
    const [company, url] = CARRIERS[rng.int(CARRIERS.length)];
    const number = `1Z${rng.digits(16)}`;
    const covered = e.lines.map((l, k) => ({ l, k, q: fulfilledQty[k] })).filter((x) => x.q > 0);
    fulfillments.push({
      __typename: "Fulfillment",
      id: g.gid("Fulfillment", fid),
      legacyResourceId: String(fid),
      name: `${name}.1`,
      status: "SUCCESS",
      displayStatus: plan.deliveredAt !== null ? "DELIVERED" : "IN_TRANSIT",
      createdAt: iso(plan.fulfilledAt),
      updatedAt: iso(plan.deliveredAt ?? plan.fulfilledAt),
      inTransitAt: iso(plan.fulfilledAt),
      deliveredAt: plan.deliveredAt === null ? null : iso(plan.deliveredAt),
      estimatedDeliveryAt: iso(plan.fulfilledAt + 4 * DAY),
      requiresShipping: true,
      totalQuantity: covered.reduce((s, x) => s + x.q, 0),
      trackingInfo: [{ company, number, url: url + number }],
      location: ref("Location", BASE.locations + (plan.i % Math.min(3, g.sizes.locations))),
      order: { __typename: "Order", id: g.gid("Order", id) },
      fulfillmentLineItems: covered.map((x, k) => ({
        __typename: "FulfillmentLineItem",
        id: g.gid("FulfillmentLineItem", fid * 1000 + k + 1),
        lineItem: { __typename: "LineItem", id: g.gid("LineItem", lineIds[x.k]) },
        quantity: x.q,
        originalTotalSet: mb({ s: x.l.unit.s * x.q, p: x.l.unit.p * x.q }),
        discountedTotalSet: mb(scale(x.l.total, x.q, x.l.qty)),
      })),
    });
  }

  const currentSubtotal = sub(e.subtotal, refundedSub);
  const currentTax = sub(e.tax, refundedTax);
  const currentShipping = sub(e.shipping, refundedShip);
  const currentTotal = add(currentSubtotal, currentTax, currentShipping);
  const net = sub(e.received, e.refunded);
  const owing =
    !plan.cancelled && (f === "PENDING" || f === "PARTIALLY_PAID" || f === "AUTHORIZED");
  const outstanding = owing ? sub(currentTotal, e.received) : ZERO;
  const billing = mailingAddress(g, plan.customer, 0, id * 1000 + 901, "Address");
  const shippingAddr = shippingLine
    ? rng.chance(0.9)
      ? { ...billing, id: g.gid("MailingAddress", `${id * 1000 + 902}?model_name=Address`) }
      : mailingAddress(g, plan.customer, 1, id * 1000 + 902, "Address")
    : null;
  const tags: string[] = [];
  if (rng.chance(0.3)) tags.push(rng.pick(ORDER_TAGS));
  if (rng.chance(0.1)) {
    const t2 = rng.pick(ORDER_TAGS);
    if (!tags.includes(t2)) tags.push(t2);
  }
  tags.sort();
  const code = e.discountIdx >= 0 ? discountCode(g, e.discountIdx, 0) : null;
  const dl = disputeLite(g, plan);
  const qtyTotal = e.lines.reduce((s, l) => s + l.qty, 0);
  const weight = e.lines.reduce((s, l) => s + l.grams * l.qty, 0);
  const currentWeight = e.lines.reduce((s, l, k) => s + l.grams * (l.qty - refundedQty[k]), 0);
  return {
    __typename: "Order",
    id: g.gid("Order", id),
    legacyResourceId: String(id),
    name,
    number: plan.number,
    confirmationNumber: rng.token(9).toUpperCase(),
    email: per.email,
    phone: per.phone,
    createdAt: iso(plan.createdAt),
    updatedAt: iso(plan.updatedAt),
    processedAt: iso(plan.processedAt),
    closed: plan.closedAt !== null,
    closedAt: plan.closedAt === null ? null : iso(plan.closedAt),
    cancelledAt: plan.cancelledAt === null ? null : iso(plan.cancelledAt),
    cancelReason: plan.cancelReason,
    displayFinancialStatus: f,
    displayFulfillmentStatus: plan.fulfillment,
    confirmed: true,
    returnStatus: "NO_RETURN",
    canNotifyCustomer: !!per.email,
    hasTimelineComment: false,
    alerts: [],
    additionalFees: [],
    merchantEditableErrors: [],
    test,
    tags,
    note: rng.chance(0.1)
      ? rng.pick([
          "Please gift wrap",
          "Leave at the front door",
          "Call before delivery",
          "Birthday present",
        ])
      : null,
    sourceName: rng.pick(["web", "web", "web", "web", "shopify_draft_order", "iphone"]),
    customerLocale: "en",
    currencyCode: S_,
    presentmentCurrencyCode: P_,
    taxesIncluded: false,
    taxExempt: false,
    estimatedTaxes: false,
    dutiesIncluded: false,
    edited: false,
    customerAcceptsMarketing: per.marketing === "SUBSCRIBED",
    requiresShipping: !!shippingLine,
    fulfillable: !plan.cancelled && lineItems.some((l) => (l.unfulfilledQuantity as number) > 0),
    fullyPaid: e.received.s >= e.total.s,
    unpaid: e.received.s === 0,
    refundable: net.s > 0,
    restockable: lineItems.some((l) => (l.currentQuantity as number) > 0),
    capturable: f === "AUTHORIZED",
    canMarkAsPaid: owing && plan.gateway === "manual",
    merchantEditable: !plan.cancelled,
    billingAddressMatchesShippingAddress:
      !!shippingAddr && shippingAddr.address1 === billing.address1,
    paymentGatewayNames: transactions.length ? [plan.gateway] : [],
    discountCodes: code ? [code] : [],
    discountCode: code,
    subtotalLineItemsQuantity: qtyTotal,
    currentSubtotalLineItemsQuantity: lineItems.reduce(
      (s, l) => s + (l.currentQuantity as number),
      0,
    ),
    totalWeight: String(weight),
    currentTotalWeight: String(currentWeight),
    originalTotalPriceSet: mb(e.total),
    subtotalPriceSet: mb(e.subtotal),
    currentSubtotalPriceSet: mb(currentSubtotal),
    totalDiscountsSet: mb(e.discounts),
    currentTotalDiscountsSet: mb(sub(e.discounts, refundedDisc)),
    cartDiscountAmountSet: e.discounts.s ? mb(e.discounts) : null,
    currentCartDiscountAmountSet: mb(sub(e.discounts, refundedDisc)),
    totalShippingPriceSet: mb(e.shipping),
    currentShippingPriceSet: mb(currentShipping),
    totalTaxSet: mb(e.tax),
    currentTotalTaxSet: mb(currentTax),
    totalPriceSet: mb(e.total),
    currentTotalPriceSet: mb(currentTotal),
    totalReceivedSet: mb(e.received),
    totalRefundedSet: mb(e.refunded),
    totalRefundedShippingSet: mb(refundedShip),
    netPaymentSet: mb(net),
    totalOutstandingSet: mb(outstanding),
    totalCapturableSet: mb(f === "AUTHORIZED" ? e.total : ZERO),
    totalTipReceivedSet: mb(ZERO),
    taxLines: e.tax.s || e.tax.p ? [taxLine(e.tax)] : [],
    currentTaxLines: currentTax.s || currentTax.p ? [taxLine(currentTax)] : [],
    customer: { __typename: "Customer", id: g.gid("Customer", customerId) },
    billingAddress: billing,
    shippingAddress: shippingAddr,
    shippingLine,
    shippingLines: shippingLine ? [shippingLine] : [],
    statusPageUrl: `https://${g.domain}/${g.shopNumber}/orders/${rng.token(32)}/authenticate?key=${rng.token(16)}`,
    disputes: dl
      ? [
          {
            __typename: "OrderDisputeSummary",
            id: g.gid("ShopifyPaymentsDispute", BASE.disputes + plan.i),
            initiatedAs: dl.type,
            status: dl.status,
          },
        ]
      : [],
    customAttributes: [],
    lineItems,
    transactions,
    refunds,
    fulfillments,
  };
}
