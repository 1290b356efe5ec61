/** Shopify Payments: disputes (sparse over orders), balance transactions (4 slots per order) and payouts. */
import type { GqlRecord } from "../types";
import { numericOf, t } from "./catalog";
import { BASE, Gen, S } from "./gen";
import type { Meta } from "./internal";
import { money, roundDiv } from "./money";
import { disputeLite, orderEcon, orderPlan, type DisputeLite, type OrderPlan } from "./orders";
import { DAY, iso, weighted } from "./rng";

// ---------------------------------------------------------------- disputes (index = order index)

export function disputeExists(g: Gen, i: number): boolean {
  if (g.hu(S.dispute, i, 1) >= g.sizes.disputeRate) return false;
  return disputeLite(g, orderPlan(g, i)) !== null;
}

function disputeUpdated(d: DisputeLite): number {
  return d.finalizedOn ?? d.evidenceSentOn ?? d.initiatedAt;
}

export function disputeMeta(g: Gen, i: number): Meta {
  const d = disputeLite(g, orderPlan(g, i));
  if (!d) return { id: BASE.disputes + i, createdAt: 0, updatedAt: 0 };
  return {
    id: BASE.disputes + i,
    createdAt: d.initiatedAt,
    updatedAt: disputeUpdated(d),
    status: d.status.toLowerCase(),
  };
}

const REASONS = [
  ["FRAUDULENT", 40, "10.4"],
  ["PRODUCT_NOT_RECEIVED", 25, "13.1"],
  ["PRODUCT_UNACCEPTABLE", 15, "13.3"],
  ["UNRECOGNIZED", 10, "4863"],
  ["DUPLICATE", 5, "12.6.1"],
  ["CREDIT_NOT_PROCESSED", 5, "13.6"],
] as const;

export function dispute(g: Gen, i: number): GqlRecord | undefined {
  const plan = orderPlan(g, i);
  const d = disputeLite(g, plan);
  if (!d) return undefined;
  const e = orderEcon(g, plan);
  const id = BASE.disputes + i;
  const reason = weighted(
    g.hu(S.dispute, i, 6),
    REASONS.map((r) => [r, r[1]] as const),
  );
  return {
    __typename: "ShopifyPaymentsDispute",
    id: g.gid("ShopifyPaymentsDispute", id),
    legacyResourceId: String(id),
    amount: money(e.received.s - e.refunded.s, g.currency),
    status: d.status,
    type: d.type,
    reasonDetails: { reason: reason[0], networkReasonCode: reason[2] },
    initiatedAt: iso(d.initiatedAt),
    evidenceDueBy: iso(d.evidenceDueBy),
    evidenceSentOn: d.evidenceSentOn === null ? null : iso(d.evidenceSentOn),
    finalizedOn: d.finalizedOn === null ? null : iso(d.finalizedOn),
    order: { __typename: "Order", id: g.gid("Order", plan.id) },
  };
}

export function disputeMetaOf(r: GqlRecord): Meta {
  const created = t(r.initiatedAt);
  const upd = Math.max(
    created,
    r.evidenceSentOn ? t(r.evidenceSentOn) : 0,
    r.finalizedOn ? t(r.finalizedOn) : 0,
  );
  return {
    id: numericOf(r.id),
    createdAt: created,
    updatedAt: upd,
    status: String(r.status).toLowerCase(),
  };
}

// ---------------------------------------------------------------- balance transactions (index = order*4 + slot)

type Slot = 0 | 1 | 2 | 3; // charge, refund, dispute withdrawal, dispute reversal

function paid(p: OrderPlan): boolean {
  return (
    !p.test &&
    p.gateway === "shopify_payments" &&
    (p.financial === "PAID" || p.financial === "PARTIALLY_REFUNDED" || p.financial === "REFUNDED")
  );
}

function slotInfo(
  g: Gen,
  idx: number,
): { plan: OrderPlan; slot: Slot; at: number; dispute: DisputeLite | null } | undefined {
  const o = Math.floor(idx / 4);
  const slot = (idx - o * 4) as Slot;
  if (o >= g.sizes.orders) return undefined;
  if (slot >= 2 && g.hu(S.dispute, o, 1) >= g.sizes.disputeRate) return undefined;
  const plan = orderPlan(g, o);
  if (!paid(plan)) return undefined;
  if (slot === 0) return { plan, slot, at: plan.paidAt, dispute: null };
  if (slot === 1)
    return plan.refundAt !== null ? { plan, slot, at: plan.refundAt, dispute: null } : undefined;
  const d = disputeLite(g, plan);
  if (!d || d.type !== "CHARGEBACK") return undefined;
  if (slot === 2) return { plan, slot, at: d.initiatedAt, dispute: d };
  return d.status === "WON" && d.finalizedOn !== null
    ? { plan, slot, at: d.finalizedOn, dispute: d }
    : undefined;
}

export function balanceExists(g: Gen, idx: number): boolean {
  return slotInfo(g, idx) !== undefined;
}
export function balanceMeta(g: Gen, idx: number): Meta {
  const s = slotInfo(g, idx);
  const at = s ? s.at : 0;
  return { id: BASE.balanceTransactions + idx, createdAt: at, updatedAt: at };
}

interface Amounts {
  amount: number;
  fee: number;
}
function slotAmounts(g: Gen, s: { plan: OrderPlan; slot: Slot }): Amounts {
  const e = orderEcon(g, s.plan);
  switch (s.slot) {
    case 0:
      return { amount: e.received.s, fee: roundDiv(e.received.s * 29, 1000) + 30 };
    case 1:
      return { amount: -e.refunds[0].amount.s, fee: 0 };
    case 2:
      return { amount: -(e.received.s - e.refunded.s), fee: 1500 };
    default:
      return { amount: e.received.s - e.refunded.s, fee: 0 };
  }
}

function captureTxK(p: OrderPlan): number {
  return (p.failFirst ? 1 : 0) + (p.authCapture ? 2 : 1);
}

export function balanceTransaction(g: Gen, idx: number): GqlRecord | undefined {
  const s = slotInfo(g, idx);
  if (!s) return undefined;
  const { amount, fee } = slotAmounts(g, s);
  const id = BASE.balanceTransactions + idx;
  const j = payoutIndexFor(g, s.at);
  const txId = s.plan.id * 1000 + captureTxK(s.plan) + (s.slot === 1 ? 1 : 0);
  const disputeId = BASE.disputes + s.plan.i;
  return {
    __typename: "ShopifyPaymentsBalanceTransaction",
    id: g.gid("ShopifyPaymentsBalanceTransaction", id),
    type: (["CHARGE", "REFUND", "DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL"] as const)[s.slot],
    test: false,
    amount: money(amount, g.currency),
    fee: money(fee, g.currency),
    net: money(amount - fee, g.currency),
    transactionDate: iso(s.at),
    sourceType: s.slot < 2 ? (s.slot === 0 ? "CHARGE" : "REFUND") : "DISPUTE",
    sourceId: String(s.slot < 2 ? txId : disputeId),
    sourceOrderTransactionId: s.slot < 2 ? String(txId) : null,
    associatedOrder: { id: g.gid("Order", s.plan.id), name: `#${s.plan.number}` },
    associatedPayout:
      j < 0
        ? { id: null, status: "PENDING" }
        : { id: g.gid("ShopifyPaymentsPayout", BASE.payouts + j), status: payoutStatus(g, j) },
    adjustmentReason: null,
    adjustmentsOrders: [],
  };
}

export function balanceMetaOf(r: GqlRecord): Meta {
  const at = t(r.transactionDate);
  return { id: numericOf(r.id), createdAt: at, updatedAt: at };
}

// ---------------------------------------------------------------- payouts (evenly spaced over the order period)

function interval(g: Gen): number {
  return Math.floor(g.orderTimes.span / g.sizes.payouts);
}
export function payoutIssuedAt(g: Gen, j: number): number {
  return g.orderTimes.start + (j + 1) * interval(g);
}
/** The payout a balance transaction at time `at` belongs to (-1: not paid out yet). */
export function payoutIndexFor(g: Gen, at: number): number {
  const j = Math.max(0, Math.ceil((at + 2 * DAY - g.orderTimes.start) / interval(g)) - 1);
  return j < g.sizes.payouts ? j : -1;
}
function payoutStatus(g: Gen, j: number): "PAID" | "SCHEDULED" {
  return payoutIssuedAt(g, j) > g.anchor - 3 * DAY ? "SCHEDULED" : "PAID";
}

export function payoutMeta(g: Gen, j: number): Meta {
  const at = payoutIssuedAt(g, j);
  return {
    id: BASE.payouts + j,
    createdAt: at,
    updatedAt: at,
    status: payoutStatus(g, j).toLowerCase(),
  };
}

interface Bucket {
  chargesGross: number;
  chargesFee: number;
  refundsGross: number;
  refundsFee: number;
  adjustmentsGross: number;
  adjustmentsFee: number;
}
const bucketCache = new WeakMap<Gen, Bucket[]>();
/** One pass over all generated orders (lazily, once per store) summing balance transactions per payout. */
function buckets(g: Gen): Bucket[] {
  let b = bucketCache.get(g);
  if (b) return b;
  b = Array.from({ length: g.sizes.payouts }, () => ({
    chargesGross: 0,
    chargesFee: 0,
    refundsGross: 0,
    refundsFee: 0,
    adjustmentsGross: 0,
    adjustmentsFee: 0,
  }));
  for (let idx = 0; idx < g.sizes.orders * 4; idx++) {
    const s = slotInfo(g, idx);
    if (!s) continue;
    const j = payoutIndexFor(g, s.at);
    if (j < 0) continue;
    const { amount, fee } = slotAmounts(g, s);
    const x = b[j];
    if (s.slot === 0) {
      x.chargesGross += amount;
      x.chargesFee += fee;
    } else if (s.slot === 1) {
      x.refundsGross += amount;
      x.refundsFee += fee;
    } else {
      x.adjustmentsGross += amount;
      x.adjustmentsFee += fee;
    }
  }
  bucketCache.set(g, b);
  return b;
}

export function payout(g: Gen, j: number): GqlRecord {
  const m = payoutMeta(g, j);
  const x = buckets(g)[j];
  const net =
    x.chargesGross -
    x.chargesFee +
    x.refundsGross -
    x.refundsFee +
    x.adjustmentsGross -
    x.adjustmentsFee;
  const c = g.currency;
  const z = money(0, c);
  return {
    __typename: "ShopifyPaymentsPayout",
    id: g.gid("ShopifyPaymentsPayout", m.id),
    legacyResourceId: String(m.id),
    issuedAt: iso(m.createdAt),
    status: payoutStatus(g, j),
    transactionType: net >= 0 ? "DEPOSIT" : "WITHDRAWAL",
    net: money(Math.abs(net), c),
    externalTraceId: null,
    summary: {
      chargesGross: money(x.chargesGross, c),
      chargesFee: money(x.chargesFee, c),
      refundsFeeGross: money(x.refundsGross, c),
      refundsFee: money(x.refundsFee, c),
      adjustmentsGross: money(x.adjustmentsGross, c),
      adjustmentsFee: money(x.adjustmentsFee, c),
      advanceGross: z,
      advanceFees: z,
      reservedFundsGross: z,
      reservedFundsFee: z,
      retriedPayoutsGross: z,
      retriedPayoutsFee: z,
      usdcRebateCreditAmount: z,
    },
    businessEntity: {
      id: g.gid("BusinessEntity", g.shopNumber),
      displayName: g.domain.replace(/\.myshopify\.com$/, ""),
      primary: true,
      archived: false,
      companyName: null,
      address: {
        countryCode: "US",
        address1: null,
        address2: null,
        city: null,
        province: null,
        zip: null,
      },
    },
  };
}

export function payoutMetaOf(r: GqlRecord): Meta {
  const at = t(r.issuedAt);
  return {
    id: numericOf(r.id),
    createdAt: at,
    updatedAt: at,
    status: String(r.status).toLowerCase(),
  };
}
