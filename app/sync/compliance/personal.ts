/**
 * What counts as a customer's personal data in stored payloads, and how it is erased.
 *
 * `scrubPersonal(value, needles)` returns a copy of a JSON value (REST webhook payload or
 * GraphQL node) where:
 *  - address objects (billing/shipping/default address, address lists) are removed (null / []);
 *  - personal fields (email, phone, names, note, client IP, ...) are null;
 *  - a nested `customer` object keeps only its ids;
 *  - any remaining string containing one of the `needles` (the customer's email, phone, name,
 *    address lines, as found in the database) has each occurrence replaced by "[redacted]".
 * Non-personal order facts (ids, amounts, dates, line items, statuses) are kept.
 */

export const REDACTED = "[redacted]";

/** Keys whose value is an address or a list of addresses (REST and GraphQL spellings). */
const ADDRESS_KEYS = new Set([
  "billing_address",
  "shipping_address",
  "default_address",
  "addresses",
  "customer_address",
  "billingAddress",
  "shippingAddress",
  "defaultAddress",
  "addressesV2",
]);

/** Keys holding personal data wherever they appear. */
const PERSONAL_KEYS = new Set([
  "email",
  "contact_email",
  "customer_email",
  "phone",
  "sms_marketing_phone",
  "first_name",
  "last_name",
  "firstName",
  "lastName",
  "displayName",
  "display_name",
  "note",
  "note_attributes",
  "customAttributes",
  "browser_ip",
  "client_details",
  "clientDetails",
  "defaultEmailAddress",
  "defaultPhoneNumber",
  "emailAddress",
  "phoneNumber",
  "email_marketing_consent",
  "sms_marketing_consent",
  "emailMarketingConsent",
  "smsMarketingConsent",
  "multipass_identifier",
  "multipassIdentifier",
  "abandoned_checkout_url",
  "abandonedCheckoutUrl",
  "company",
  "address1",
  "address2",
  "city",
  "zip",
  "latitude",
  "longitude",
]);

/** Ids kept on a nested customer object. */
const CUSTOMER_KEEP = new Set(["id", "admin_graphql_api_id", "__typename", "legacyResourceId"]);

/** Needles worth searching for (too-short strings would match unrelated text). */
export function usableNeedles(values: Iterable<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const s = typeof v === "string" ? v.trim() : "";
    if (s.length >= 3) out.add(s);
  }
  // Longest first, so "Ann Smith" is replaced before "Ann".
  return [...out].sort((a, b) => b.length - a.length);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every (case-insensitive) occurrence of a needle in `text`. */
export function redactText(text: string, needles: readonly string[]): string {
  if (!needles.length || !text) return text;
  const re = new RegExp(needles.map(escapeRegExp).join("|"), "gi");
  return text.replace(re, REDACTED);
}

export function containsNeedle(text: string | null | undefined, needles: readonly string[]): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n.toLowerCase()));
}

/** A scrubbed copy of `value` (see the file comment). */
export function scrubPersonal(value: unknown, needles: readonly string[], key?: string): unknown {
  if (typeof value === "string") return redactText(value, needles);
  if (Array.isArray(value)) return value.map((v) => scrubPersonal(v, needles));
  if (!value || typeof value !== "object") return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const isCustomer = key === "customer";
  for (const [k, v] of Object.entries(src)) {
    if (isCustomer && !CUSTOMER_KEEP.has(k)) continue;
    if (ADDRESS_KEYS.has(k)) {
      out[k] = Array.isArray(v) ? [] : null;
      continue;
    }
    if (PERSONAL_KEYS.has(k)) {
      out[k] = null;
      continue;
    }
    out[k] = scrubPersonal(v, needles, k);
  }
  return out;
}

/** Strings found in an address object (REST or GraphQL spelling), for needles. */
export function addressStrings(address: unknown): string[] {
  if (!address || typeof address !== "object") return [];
  const a = address as Record<string, unknown>;
  const keys = ["first_name", "last_name", "firstName", "lastName", "name", "company", "address1", "address2", "phone", "zip"];
  return keys.map((k) => a[k]).filter((v): v is string => typeof v === "string");
}
