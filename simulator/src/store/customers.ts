/** Customers: identity from people.ts; order statistics exact from the order mapping (order i → customer (i·P) mod C). */
import type { GqlRecord } from "../types";
import { numericOf, t } from "./catalog";
import { BASE, Gen, S } from "./gen";
import type { Meta } from "./internal";
import { money } from "./money";
import { orderNet } from "./orders";
import { mailingAddress, person } from "./people";
import { DAY, HOUR, iso, Rng, weighted } from "./rng";
import { CUSTOMER_TAGS } from "./words";

export function customerMeta(g: Gen, c: number): Meta {
  const base = g.time(g.customerTimes, c);
  const n = g.ordersOfCustomer(c);
  let createdAt = base;
  let lastOrderAt = 0;
  if (n > 0) {
    const first = g.firstOrderOfCustomer(c);
    const t0 = g.time(g.orderTimes, first) - 60 - (g.h(S.customer, c, 40) % (30 * DAY));
    if (t0 < createdAt) createdAt = t0;
    lastOrderAt =
      g.time(g.orderTimes, first + (n - 1) * g.sizes.customers) + (g.h(S.customer, c, 41) % HOUR);
  }
  const own =
    createdAt + (g.h(S.customer, c, 42) % (g.hu(S.customer, c, 43) < 0.6 ? HOUR : 90 * DAY));
  const p = person(g, c);
  return {
    id: BASE.customers + c,
    createdAt,
    updatedAt: Math.min(g.anchor - 1, Math.max(own, lastOrderAt)),
    name: `${p.first} ${p.last}`,
    status: customerState(g, c).toLowerCase(),
  };
}

function customerState(g: Gen, c: number): string {
  return weighted(g.hu(S.customer, c, 44), [
    ["ENABLED", 40],
    ["DISABLED", 50],
    ["INVITED", 8],
    ["DECLINED", 2],
  ] as const);
}

export function customer(g: Gen, c: number, m: Meta = customerMeta(g, c)): GqlRecord {
  const p = person(g, c);
  const rng = new Rng(g.h(S.customer, c, 99));
  const id = m.id;
  const state = customerState(g, c);
  const n = g.ordersOfCustomer(c);
  let spent = 0;
  let last = -1;
  if (n > 0) {
    const first = g.firstOrderOfCustomer(c);
    for (let k = 0; k < n; k++) {
      const i = first + k * g.sizes.customers;
      const o = orderNet(g, i);
      if (!o.test) spent += o.net;
      last = i;
    }
  }
  const addresses = [];
  for (let k = 0; k < p.addressCount; k++)
    addresses.push(mailingAddress(g, c, k, id * 1000 + k + 1, "CustomerAddress"));
  const tags: string[] = [];
  if (rng.chance(0.35)) tags.push(rng.pick(CUSTOMER_TAGS));
  if (n >= 3 && !tags.includes("returning")) tags.push("returning");
  tags.sort();
  const created = iso(m.createdAt);
  return {
    __typename: "Customer",
    id: g.gid("Customer", id),
    legacyResourceId: String(id),
    firstName: p.first,
    lastName: p.last,
    displayName: `${p.first} ${p.last}`,
    defaultEmailAddress: {
      emailAddress: p.email,
      marketingState: p.marketing,
      marketingOptInLevel: p.marketing === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
      marketingUpdatedAt: p.marketing === "NOT_SUBSCRIBED" ? null : created,
      validFormat: true,
    },
    defaultPhoneNumber: p.phone
      ? {
          phoneNumber: p.phone,
          whatsAppMarketingConsent: {
            state: "NEVER_SUBSCRIBED",
            optInLevel: null,
            updatedAt: null,
            collectedFrom: null,
          },
        }
      : null,
    locale: "en",
    note: rng.chance(0.15)
      ? rng.pick([
          "Prefers email contact",
          "Wholesale inquiry 2025",
          "Allergic to wool",
          "VIP since launch",
        ])
      : null,
    state,
    tags,
    verifiedEmail: state === "ENABLED" || rng.chance(0.8),
    taxExempt: rng.chance(0.03),
    taxExemptions: [],
    dataSaleOptOut: false,
    canDelete: n === 0,
    numberOfOrders: String(n),
    amountSpent: money(spent, g.currency),
    lastOrder: last >= 0 ? { __typename: "Order", id: g.gid("Order", BASE.orders + last) } : null,
    defaultAddress: addresses[0] ?? null,
    addressesV2: addresses,
    createdAt: created,
    updatedAt: iso(m.updatedAt),
  };
}

export function customerMetaOf(r: GqlRecord): Meta {
  return {
    id: numericOf(r.id),
    createdAt: t(r.createdAt),
    updatedAt: t(r.updatedAt),
    name: (r.displayName as string) ?? `${r.firstName ?? ""} ${r.lastName ?? ""}`.trim(),
    status: String(r.state ?? "").toLowerCase(),
  };
}
