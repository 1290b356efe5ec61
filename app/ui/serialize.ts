/** Row values as plain JSON for loaders: bigint and Decimal as text, dates as ISO strings. */
export type Plain = string | number | boolean | null;
export type PlainRow = Record<string, Plain>;

export function toPlain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  return String(value); // Prisma.Decimal and anything else with a meaningful toString()
}

export function toPlainRow(row: Record<string, unknown>): PlainRow {
  const out: PlainRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = toPlain(value);
  return out;
}

/** Parses a JSON text column; null when absent or unreadable. */
export function parseJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
