/** Cheap customer identity (names, contact, home place, addresses) shared by customers, orders and checkouts. */
import type { GqlRecord } from "../types";
import { Gen, S } from "./gen";
import { PRESENTMENT_CURRENCIES } from "./money";
import { FIRST_NAMES, LAST_NAMES, PLACES, STREETS, type Place } from "./words";

export interface Person {
  first: string;
  last: string;
  email: string;
  phone: string | null;
  /** Index into PLACES of the home address. */
  place: number;
  addressCount: number;
  /** Currency the customer usually pays in (their local one if the shop presents it). */
  localCurrency: string;
  marketing: "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED";
}

const CURRENCY_OF_COUNTRY: Record<string, string> = {
  US: "USD",
  CA: "CAD",
  GB: "GBP",
  DE: "EUR",
  FR: "EUR",
  AU: "AUD",
};

const asciiCache = new Map<string, string>();
function ascii(s: string): string {
  let a = asciiCache.get(s);
  if (a === undefined) {
    a = asciiRaw(s);
    asciiCache.set(s, a);
  }
  return a;
}
function asciiRaw(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

export function person(g: Gen, c: number): Person {
  const hs = g.h(S.customer, c, 1);
  const first = FIRST_NAMES[hs % FIRST_NAMES.length];
  const last = LAST_NAMES[Math.floor(hs / 64) % LAST_NAMES.length];
  const u = g.hu(S.customer, c, 2);
  // 70% in the US, the rest spread over the other places.
  const place =
    u < 0.7 ? Math.floor((u / 0.7) * 5) : 5 + Math.floor(((u - 0.7) / 0.3) * (PLACES.length - 5));
  const pl = PLACES[Math.min(place, PLACES.length - 1)];
  const local = CURRENCY_OF_COUNTRY[pl.countryCode] ?? g.currency;
  const m = g.hu(S.customer, c, 3);
  const phoneDigits = String(1_000_000 + (g.h(S.customer, c, 4) % 9_000_000));
  return {
    first,
    last,
    email: `${ascii(first)}.${ascii(last)}${c + 1}@example.com`,
    phone: g.hu(S.customer, c, 5) < 0.6 ? `${pl.phonePrefix}${phoneDigits}` : null,
    place: Math.min(place, PLACES.length - 1),
    addressCount: g.hu(S.customer, c, 6) < 0.75 ? 1 : 2,
    localCurrency:
      (PRESENTMENT_CURRENCIES as readonly string[]).includes(local) || local === g.currency
        ? local
        : g.currency,
    marketing: m < 0.35 ? "SUBSCRIBED" : m < 0.9 ? "NOT_SUBSCRIBED" : "UNSUBSCRIBED",
  };
}

/** A MailingAddress for person c (k = 0 is the default/home address). */
export function mailingAddress(
  g: Gen,
  c: number,
  k: number,
  gidNumber: number,
  modelName: "CustomerAddress" | "Address",
): GqlRecord {
  const p = person(g, c);
  const placeIdx =
    k === 0 ? p.place : (p.place + 1 + (g.h(S.customer, c, 20 + k) % 3)) % PLACES.length;
  const pl: Place = PLACES[placeIdx];
  const hn = g.h(S.customer, c, 30 + k);
  const address1 = `${1 + (hn % 980)} ${STREETS[(hn >>> 10) % STREETS.length]}`;
  const address2 = (hn >>> 20) % 5 === 0 ? `Apt ${1 + ((hn >>> 12) % 40)}` : null;
  const company = (hn >>> 24) % 9 === 0 ? `${p.last} Studio` : null;
  const name = `${p.first} ${p.last}`;
  const lat = Number((((hn % 10_000) / 10_000) * 0.2 + LATLNG[placeIdx][0]).toFixed(4));
  const lng = Number(
    (((Math.floor(hn / 10_000) % 10_000) / 10_000) * 0.2 + LATLNG[placeIdx][1]).toFixed(4),
  );
  return {
    __typename: "MailingAddress",
    id: g.gid("MailingAddress", `${gidNumber}?model_name=${modelName}`),
    firstName: p.first,
    lastName: p.last,
    name,
    company,
    address1,
    address2,
    city: pl.city,
    province: pl.province,
    provinceCode: pl.provinceCode,
    country: pl.country,
    countryCodeV2: pl.countryCode,
    zip: pl.zip,
    phone: p.phone,
    latitude: lat,
    longitude: lng,
    coordinatesValidated: false,
    formattedArea: `${pl.city} ${pl.provinceCode}, ${pl.country}`,
    formatted: [
      company,
      address1,
      address2,
      `${pl.city} ${pl.provinceCode} ${pl.zip}`,
      pl.country,
    ].filter((x): x is string => !!x),
    timeZone: null,
  };
}

const LATLNG: [number, number][] = [
  [40.71, -74.0],
  [30.26, -97.74],
  [45.51, -122.67],
  [41.87, -87.62],
  [39.73, -104.99],
  [43.65, -79.38],
  [49.28, -123.12],
  [51.5, -0.12],
  [52.52, 13.4],
  [48.85, 2.35],
  [-33.86, 151.2],
  [-37.81, 144.96],
];
