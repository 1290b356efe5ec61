/**
 * A small ShopifyQL subset answered from the store:
 *   FROM sales SHOW <metric>[, <metric>...] [GROUP BY|TIMESERIES day|week|month|year]
 *     [SINCE <date>] [UNTIL <date>] [ORDER BY <column> [ASC|DESC]] [LIMIT n]
 * metrics: orders, gross_sales, discounts, returns, net_sales, shipping_charges, taxes, total_sales,
 * average_order_value. Dates: YYYY-MM-DD, today, yesterday, -Nd / -Nw / -Nm / -Ny. Days are the shop's
 * local days (ianaTimezone), by order processedAt.
 * Definitions (per order): gross = Σ line originalUnitPrice × quantity (fallback subtotal + discounts);
 * discounts = −totalDiscounts; returns = −totalRefunded (attributed to the order's day — a simplification);
 * net = gross + discounts + returns; total = net + shipping + taxes. Money is a decimal string with 2 places.
 * Response: ShopifyqlQueryResponse { parseErrors, tableData { columns, rows (objects keyed by column), rowMetadata } }.
 */
import type { Collection, SearchFilter } from "../types.js";

type Grain = "day" | "week" | "month" | "year";

interface Parsed {
  metrics: string[];
  grain?: Grain;
  since?: string; // YYYY-MM-DD local
  until?: string;
  orderBy?: { column: string; desc: boolean };
  limit?: number;
}

const METRICS: Record<string, { dataType: "INTEGER" | "MONEY"; displayName: string }> = {
  orders: { dataType: "INTEGER", displayName: "Orders" },
  gross_sales: { dataType: "MONEY", displayName: "Gross sales" },
  discounts: { dataType: "MONEY", displayName: "Discounts" },
  returns: { dataType: "MONEY", displayName: "Returns" },
  net_sales: { dataType: "MONEY", displayName: "Net sales" },
  shipping_charges: { dataType: "MONEY", displayName: "Shipping charges" },
  taxes: { dataType: "MONEY", displayName: "Taxes" },
  total_sales: { dataType: "MONEY", displayName: "Total sales" },
  average_order_value: { dataType: "MONEY", displayName: "Average order value" },
};

const GRAIN_TYPE: Record<Grain, string> = {
  day: "DAY_TIMESTAMP",
  week: "WEEK_TIMESTAMP",
  month: "MONTH_TIMESTAMP",
  year: "YEAR_TIMESTAMP",
};

export interface ShopifyqlResponse {
  __typename: "ShopifyqlQueryResponse";
  parseErrors: string[];
  tableData: {
    __typename: "ShopifyqlTableData";
    columns: { __typename: "ShopifyqlTableDataColumn"; name: string; dataType: string; displayName: string; columnOrigin: string; subType: null; shortDisplayName: null; dynamicColumnMetadata: null }[];
    rows: Record<string, string | number>[];
    rowMetadata: { __typename: "ShopifyqlRowMetadata"; nullCellTranslations: never[]; rawResourceIds: string[][]; topNRemainderColumnNames: string[] }[];
  } | null;
}

function localDate(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function resolveDate(token: string, today: string): string | undefined {
  const t = token.trim().replace(/^['"]|['"]$/g, "");
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  if (t === "today") return today;
  if (t === "yesterday") return addDays(today, -1);
  const m = /^-(\d+)([dwmy])$/.exec(t);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2];
    if (unit === "d") return addDays(today, -n);
    if (unit === "w") return addDays(today, -7 * n);
    const d = new Date(`${today}T00:00:00Z`);
    if (unit === "m") d.setUTCMonth(d.getUTCMonth() - n);
    else d.setUTCFullYear(d.getUTCFullYear() - n);
    return d.toISOString().slice(0, 10);
  }
  return undefined;
}

export function parseShopifyql(q: string, today: string): { parsed?: Parsed; errors: string[] } {
  const errors: string[] = [];
  const text = q.replace(/--[^\n]*/g, " ").replace(/\s+/g, " ").trim();
  const re = /^FROM\s+(\w+)\s+SHOW\s+(.+?)(?=\s+(?:GROUP BY|TIMESERIES|SINCE|UNTIL|ORDER BY|LIMIT)\b|$)(.*)$/i;
  const m = re.exec(text);
  if (!m) return { errors: ["Syntax error: a query must start with FROM <table> SHOW <columns>."] };
  const table = m[1]!.toLowerCase();
  if (table !== "sales") return { errors: [`Table '${m[1]}' is not supported (the simulator answers FROM sales only).`] };
  const metrics = m[2]!.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const metric of metrics) if (!METRICS[metric]) errors.push(`Column '${metric}' not found in table 'sales'.`);
  const parsed: Parsed = { metrics };
  let rest = m[3]!.trim();
  const clause = /^(GROUP BY|TIMESERIES|SINCE|UNTIL|ORDER BY|LIMIT)\s+(.+?)(?=\s+(?:GROUP BY|TIMESERIES|SINCE|UNTIL|ORDER BY|LIMIT)\b|$)/i;
  while (rest) {
    const c = clause.exec(rest);
    if (!c) {
      errors.push(`Syntax error near '${rest.slice(0, 30)}'.`);
      break;
    }
    const kw = c[1]!.toUpperCase();
    const arg = c[2]!.trim();
    if (kw === "GROUP BY" || kw === "TIMESERIES") {
      const g = arg.toLowerCase();
      if (g === "day" || g === "week" || g === "month" || g === "year") parsed.grain = g;
      else errors.push(`Unsupported GROUP BY dimension '${arg}'.`);
    } else if (kw === "SINCE" || kw === "UNTIL") {
      const d = resolveDate(arg, today);
      if (!d) errors.push(`Invalid date '${arg}' for ${kw}.`);
      else if (kw === "SINCE") parsed.since = d;
      else parsed.until = d;
    } else if (kw === "ORDER BY") {
      const [col, dir] = arg.split(/\s+/);
      parsed.orderBy = { column: (col ?? "").toLowerCase(), desc: (dir ?? "").toUpperCase() === "DESC" };
    } else if (kw === "LIMIT") {
      const n = Number(arg);
      if (!Number.isInteger(n) || n < 0) errors.push(`Invalid LIMIT '${arg}'.`);
      else parsed.limit = n;
    }
    rest = rest.slice(c[0].length).trim();
  }
  return errors.length ? { errors } : { parsed, errors };
}

function cents(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const s = typeof v === "number" ? v.toFixed(2) : String(v);
  const neg = s.trim().startsWith("-");
  const [i, f = ""] = s.replace("-", "").trim().split(".");
  return (neg ? -1 : 1) * (Number(i || 0) * 100 + Number((f + "00").slice(0, 2)));
}

function money(c: number): string {
  const neg = c < 0;
  const a = Math.abs(Math.round(c));
  return `${neg ? "-" : ""}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

function shopAmount(bag: unknown): number {
  if (!bag || typeof bag !== "object") return 0;
  const b = bag as { shopMoney?: { amount?: unknown }; amount?: unknown };
  return cents(b.shopMoney?.amount ?? b.amount);
}

function asArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") {
    const o = v as { nodes?: unknown; edges?: unknown };
    if (Array.isArray(o.nodes)) return o.nodes;
    if (Array.isArray(o.edges)) return o.edges.map((e) => (e as { node?: unknown }).node);
  }
  return [];
}

interface Acc {
  orders: number;
  gross: number;
  discounts: number;
  returns: number;
  shipping: number;
  taxes: number;
}

function orderFigures(o: Record<string, unknown>): Acc {
  const lines = asArray(o.lineItems);
  let gross = 0;
  if (lines.length) {
    for (const l of lines) {
      const li = l as Record<string, unknown>;
      const qty = typeof li.quantity === "number" ? li.quantity : 0;
      if (li.originalTotalSet) gross += shopAmount(li.originalTotalSet);
      else gross += shopAmount(li.originalUnitPriceSet) * qty;
    }
  } else {
    gross = shopAmount(o.subtotalPriceSet) + shopAmount(o.totalDiscountsSet);
  }
  let refunded = shopAmount(o.totalRefundedSet);
  if (!o.totalRefundedSet) for (const r of asArray(o.refunds)) refunded += shopAmount((r as Record<string, unknown>).totalRefundedSet);
  return {
    orders: 1,
    gross,
    discounts: -shopAmount(o.totalDiscountsSet),
    returns: -refunded,
    shipping: shopAmount(o.totalShippingPriceSet),
    taxes: shopAmount(o.totalTaxSet),
  };
}

function bucketKey(day: string, grain: Grain | undefined): string {
  if (!grain) return "";
  if (grain === "day") return day;
  if (grain === "month") return `${day.slice(0, 7)}-01`;
  if (grain === "year") return `${day.slice(0, 4)}-01-01`;
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // weeks start on Monday
  return addDays(day, -dow);
}

/** Answer `query` from the orders collection. */
export function runShopifyql(query: string, orders: Collection, opts: { timeZone: string; now?: Date }): ShopifyqlResponse {
  const tz = opts.timeZone || "UTC";
  const today = localDate((opts.now ?? new Date()).toISOString(), tz);
  const { parsed, errors } = parseShopifyql(query, today);
  if (!parsed) return { __typename: "ShopifyqlQueryResponse", parseErrors: errors, tableData: null };

  // Coarse UTC window (±1 day around local dates), refined per order by local day.
  const filter: SearchFilter = [];
  if (parsed.since) filter.push({ field: "processed_at", op: ">=", value: `${addDays(parsed.since, -1)}T00:00:00Z` });
  if (parsed.until) filter.push({ field: "processed_at", op: "<", value: `${addDays(parsed.until, 2)}T00:00:00Z` });

  const groups = new Map<string, Acc>();
  for (const { record } of orders.scan({ filter, sortKey: "PROCESSED_AT" })) {
    const o = record as unknown as Record<string, unknown>;
    const at = (o.processedAt ?? o.createdAt) as string | undefined;
    if (!at) continue;
    const day = localDate(at, tz);
    if (parsed.since && day < parsed.since) continue;
    if (parsed.until && day > parsed.until) continue;
    const key = bucketKey(day, parsed.grain);
    const f = orderFigures(o);
    const acc = groups.get(key) ?? { orders: 0, gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0 };
    acc.orders += f.orders;
    acc.gross += f.gross;
    acc.discounts += f.discounts;
    acc.returns += f.returns;
    acc.shipping += f.shipping;
    acc.taxes += f.taxes;
    groups.set(key, acc);
  }
  if (!parsed.grain && groups.size === 0) groups.set("", { orders: 0, gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0 });

  const value = (metric: string, a: Acc): string | number => {
    const net = a.gross + a.discounts + a.returns;
    switch (metric) {
      case "orders":
        return a.orders;
      case "gross_sales":
        return money(a.gross);
      case "discounts":
        return money(a.discounts);
      case "returns":
        return money(a.returns);
      case "net_sales":
        return money(net);
      case "shipping_charges":
        return money(a.shipping);
      case "taxes":
        return money(a.taxes);
      case "total_sales":
        return money(net + a.shipping + a.taxes);
      case "average_order_value":
        return money(a.orders ? (a.gross + a.discounts) / a.orders : 0);
      default:
        return 0;
    }
  };

  let rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, acc]) => {
      const row: Record<string, string | number> = {};
      if (parsed.grain) row[parsed.grain] = key;
      for (const metric of parsed.metrics) row[metric] = value(metric, acc);
      return row;
    });
  if (parsed.orderBy) {
    const { column, desc } = parsed.orderBy;
    rows.sort((a, b) => {
      const x = a[column];
      const y = b[column];
      const nx = typeof x === "number" ? x : Number(x);
      const ny = typeof y === "number" ? y : Number(y);
      const c = !Number.isNaN(nx) && !Number.isNaN(ny) && column !== parsed.grain ? nx - ny : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      return desc ? -c : c;
    });
  }
  if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);

  const col = (name: string, dataType: string, displayName: string) => ({
    __typename: "ShopifyqlTableDataColumn" as const,
    name,
    dataType,
    displayName,
    columnOrigin: "REQUESTED",
    subType: null,
    shortDisplayName: null,
    dynamicColumnMetadata: null,
  });
  const columns = [
    ...(parsed.grain ? [col(parsed.grain, GRAIN_TYPE[parsed.grain], parsed.grain[0]!.toUpperCase() + parsed.grain.slice(1))] : []),
    ...parsed.metrics.map((m) => col(m, METRICS[m]!.dataType, METRICS[m]!.displayName)),
  ];
  return {
    __typename: "ShopifyqlQueryResponse",
    parseErrors: [],
    tableData: {
      __typename: "ShopifyqlTableData",
      columns,
      rows,
      rowMetadata: rows.map(() => ({
        __typename: "ShopifyqlRowMetadata" as const,
        nullCellTranslations: [],
        rawResourceIds: columns.map(() => []),
        topNRemainderColumnNames: [],
      })),
    },
  };
}
