/**
 * Keyset ("seek") pagination helpers for Prisma `where` clauses: a page starts strictly after (or
 * before) the last row seen, compared on (sort field, key fields...) — never OFFSET, so page 5,000
 * costs what page 1 costs when the sort column is indexed.
 */
import type { FieldType } from "./tables";

export type SortDirection = "asc" | "desc";
export type CursorValue = string | number | bigint | boolean | Date | null;

export interface OrderField {
  field: string;
  type: FieldType;
}

/** Opaque cursor: base64url JSON of the order fields' values (dates as ISO, bigints as text). */
export function encodeCursor(values: readonly CursorValue[]): string {
  const plain = values.map((v) =>
    v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v,
  );
  return Buffer.from(JSON.stringify(plain), "utf8").toString("base64url");
}

/** Decodes a cursor for these fields; null when it is malformed (the caller starts over). */
export function decodeCursor(
  cursor: string | null | undefined,
  fields: readonly OrderField[],
): CursorValue[] | null {
  if (!cursor) return null;
  try {
    const raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(raw) || raw.length !== fields.length) return null;
    return fields.map((f, i) => fromJson(raw[i], f.type));
  } catch {
    return null;
  }
}

function fromJson(value: unknown, type: FieldType): CursorValue {
  if (value === null) throw new Error("null cursor value");
  switch (type) {
    case "bigint":
      if (typeof value !== "string" || !/^-?\d+$/.test(value)) throw new Error("bad bigint");
      return BigInt(value);
    case "date": {
      const date = new Date(String(value));
      if (Number.isNaN(date.getTime())) throw new Error("bad date");
      return date;
    }
    case "int":
    case "float":
      if (typeof value !== "number") throw new Error("bad number");
      return value;
    case "bool":
      return Boolean(value);
    default:
      if (typeof value !== "string") throw new Error("bad string");
      return value;
  }
}

/**
 * `where` fragment selecting rows strictly after `values` in the order (fields, direction):
 * (f1 > v1) OR (f1 = v1 AND f2 > v2) OR ... (`<` for descending).
 */
export function seekWhere(
  fields: readonly OrderField[],
  values: readonly CursorValue[],
  direction: SortDirection,
): Record<string, unknown> {
  const op = direction === "asc" ? "gt" : "lt";
  const branches = fields.map((field, i) => {
    const clause: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) clause[fields[j].field] = values[j];
    clause[field.field] = { [op]: values[i] };
    return clause;
  });
  return branches.length === 1 ? branches[0] : { OR: branches };
}

export function flip(direction: SortDirection): SortDirection {
  return direction === "asc" ? "desc" : "asc";
}

/** The exclusive upper bound of strings starting with `prefix` (binary order). */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
