import { describe, expect, it } from "vitest";
import type { GqlRecord, ResourceName } from "../types";
import { asAutomaticDiscountNode, asCodeDiscountNode, createStore, RESOURCES } from "./store";
import { adminSchema, conformance } from "./testkit";

const ROOT_TYPE: Record<ResourceName, string> = {
  orders: "Order",
  products: "Product",
  customers: "Customer",
  locations: "Location",
  inventoryItems: "InventoryItem",
  abandonedCheckouts: "AbandonedCheckout",
  marketingEvents: "MarketingEvent",
  discounts: "DiscountNode",
  payouts: "ShopifyPaymentsPayout",
  disputes: "ShopifyPaymentsDispute",
  balanceTransactions: "ShopifyPaymentsBalanceTransaction",
};

/** Fields the sync reads (and a data engineer needs): they must be present on every record. */
const REQUIRED: Partial<Record<string, string[]>> = {
  Order: (
    "id legacyResourceId name email createdAt updatedAt processedAt closedAt cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus " +
    "confirmed test tags note sourceName currencyCode presentmentCurrencyCode currentSubtotalPriceSet subtotalPriceSet totalPriceSet currentTotalPriceSet " +
    "totalTaxSet currentTotalTaxSet totalDiscountsSet currentTotalDiscountsSet totalShippingPriceSet totalRefundedSet totalReceivedSet netPaymentSet " +
    "subtotalLineItemsQuantity customer billingAddress shippingAddress discountCodes taxLines lineItems transactions refunds fulfillments"
  ).split(" "),
  LineItem:
    "id name title sku quantity currentQuantity variant product vendor originalUnitPriceSet discountedUnitPriceSet originalTotalSet discountedTotalSet totalDiscountSet taxLines requiresShipping taxable".split(
      " ",
    ),
  OrderTransaction:
    "id kind status gateway amountSet createdAt processedAt parentTransaction test errorCode".split(
      " ",
    ),
  Product:
    "id legacyResourceId title handle vendor productType status tags createdAt updatedAt publishedAt descriptionHtml totalInventory variants media".split(
      " ",
    ),
  ProductVariant:
    "id title sku barcode price compareAtPrice position inventoryQuantity createdAt updatedAt selectedOptions inventoryItem".split(
      " ",
    ),
  Customer:
    "id legacyResourceId firstName lastName displayName defaultEmailAddress defaultPhoneNumber createdAt updatedAt state tags note verifiedEmail taxExempt numberOfOrders amountSpent addressesV2 defaultAddress".split(
      " ",
    ),
  Location:
    "id legacyResourceId name isActive fulfillsOnlineOrders address createdAt updatedAt".split(" "),
  InventoryItem:
    "id legacyResourceId sku tracked requiresShipping unitCost countryCodeOfOrigin createdAt updatedAt inventoryLevels".split(
      " ",
    ),
  AbandonedCheckout:
    "id name abandonedCheckoutUrl createdAt updatedAt completedAt totalPriceSet subtotalPriceSet totalTaxSet customer lineItems".split(
      " ",
    ),
  MarketingEvent:
    "id legacyResourceId type remoteId startedAt endedAt scheduledToEndAt manageUrl previewUrl utmCampaign utmMedium utmSource description marketingChannelType sourceAndMedium app".split(
      " ",
    ),
  ShopifyPaymentsPayout: "id legacyResourceId issuedAt status transactionType net summary".split(
    " ",
  ),
  ShopifyPaymentsDispute:
    "id legacyResourceId amount status reasonDetails initiatedAt evidenceDueBy evidenceSentOn finalizedOn order type".split(
      " ",
    ),
  ShopifyPaymentsBalanceTransaction:
    "id type test amount fee net transactionDate sourceType sourceId sourceOrderTransactionId associatedOrder associatedPayout".split(
      " ",
    ),
  Shop: "id name email myshopifyDomain currencyCode ianaTimezone plan primaryDomain createdAt updatedAt enabledPresentmentCurrencies".split(
    " ",
  ),
};

function check(rec: GqlRecord, type: string): void {
  const errors = conformance(adminSchema(), rec, type);
  expect(errors, `${type} ${rec.id}`).toEqual([]);
  for (const f of REQUIRED[type] ?? []) expect(rec, `${type}.${f}`).toHaveProperty(f);
}

describe("record shapes conform to the Admin GraphQL 2026-07 schema", () => {
  const store = createStore({ domain: "shapes.myshopify.com", seed: 7, size: { orders: 400 } });

  for (const resource of RESOURCES) {
    it(`${resource}: every generated record`, () => {
      let n = 0;
      for (const { record } of store.collection(resource).scan()) {
        check(record, ROOT_TYPE[resource]);
        n++;
      }
      expect(n).toBeGreaterThan(0);
    });
  }

  it("children found by node() have their own type", () => {
    const [first] = store
      .collection("orders")
      .scan({ filter: [{ field: "financial_status", op: "=", value: "partially_refunded" }] });
    const order = first.record;
    const kids: [string, GqlRecord][] = [
      ["LineItem", (order.lineItems as GqlRecord[])[0]],
      ["OrderTransaction", (order.transactions as GqlRecord[])[0]],
      ["Refund", (order.refunds as GqlRecord[])[0]],
    ];
    const product = store.collection("products").get("7200000001")!;
    kids.push(["ProductVariant", (product.variants as GqlRecord[])[0]]);
    const customer = store.collection("customers").get("6300000000")!;
    kids.push(["MailingAddress", (customer.addressesV2 as GqlRecord[])[0]]);
    const item = store.collection("inventoryItems").scan()[Symbol.iterator]().next().value!.record;
    kids.push(["InventoryLevel", (item.inventoryLevels as GqlRecord[])[0]]);
    for (const [type, child] of kids) {
      const found = store.node(child.id)!;
      expect(found, child.id).toBeDefined();
      expect(found.__typename).toBe(type);
      expect(found.id).toBe(child.id);
      expect(conformance(adminSchema(), found, type)).toEqual([]);
    }
  });

  it("shop(), code / automatic discount node shapes", () => {
    check(store.shop(), "Shop");
    let code = 0;
    let auto = 0;
    for (const { record } of store.collection("discounts").scan()) {
      const c = asCodeDiscountNode(record);
      const a = asAutomaticDiscountNode(record);
      expect(!!c !== !!a).toBe(true);
      if (c) {
        code++;
        expect(conformance(adminSchema(), c, "DiscountCodeNode")).toEqual([]);
        expect(store.node(c.id)).toEqual(c);
      }
      if (a) {
        auto++;
        expect(conformance(adminSchema(), a, "DiscountAutomaticNode")).toEqual([]);
      }
    }
    expect(code).toBeGreaterThan(0);
    expect(auto).toBeGreaterThan(0);
  });

  it("records after changes and domain actions still conform", () => {
    const s = createStore({ domain: "changed.myshopify.com", seed: 3 });
    const orders = [...s.collection("orders").scan()].map((x) => x.record);
    const paid = orders.find(
      (o) => o.displayFinancialStatus === "PAID" && o.displayFulfillmentStatus === "UNFULFILLED",
    )!;
    const pending = orders.find((o) => o.displayFinancialStatus === "PENDING")!;
    const authorized = orders.find((o) => o.displayFinancialStatus === "AUTHORIZED")!;
    s.refundOrder(paid.id, { amount: "1.00" });
    s.fulfillOrder(paid.id);
    check(s.refundOrder(paid.id), "Order");
    check(s.markOrderPaid(pending.id), "Order");
    check(s.cancelOrder(authorized.id), "Order");
    check(s.create("orders", { note: "hi", tags: ["new"] }), "Order");
    const p = s.create("products", { title: "Brand new", vendor: "Me" });
    check(p, "Product");
    check(s.update("products", p.id, { variants: [{ price: "3.00", title: "Extra" }] }), "Product");
    check(s.create("customers", { firstName: "Zed" }), "Customer");
    check(s.create("discounts"), "DiscountNode");
    check(s.update("discounts", "1400000000", { discount: { title: "Renamed" } }), "DiscountNode");
    check(s.create("marketingEvents"), "MarketingEvent");
    check(s.create("abandonedCheckouts"), "AbandonedCheckout");
    check(s.create("locations", { name: "New place" }), "Location");
    check(s.create("disputes"), "ShopifyPaymentsDispute");
    check(s.create("payouts"), "ShopifyPaymentsPayout");
    check(s.create("balanceTransactions"), "ShopifyPaymentsBalanceTransaction");
    const variant = (p.variants as GqlRecord[])[0];
    check(
      s.adjustInventory(String((variant.inventoryItem as GqlRecord).id), "61000001", 4),
      "InventoryItem",
    );
  });
});
