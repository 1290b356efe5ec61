import type { Plain, PlainRow } from "../ui/serialize";
import type { FieldDef } from "../ui/tables";

import { formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

/**
 * One value of a data-browser row, formatted by its field type. Amounts use the row's currency
 * column, else `shopCurrency` (never a bare number when the shop's currency is known).
 */
export function formatCell(
  field: FieldDef,
  row: PlainRow,
  shopCurrency: string | null = null,
): string {
  const value: Plain = row[field.field] ?? null;
  if (value === null || value === "") return "—";
  switch (field.type) {
    case "date":
      return field.field === "date" ? formatDate(String(value)) : formatDateTime(String(value));
    case "decimal":
      return formatMoney(
        value as string,
        (field.currencyField ? (row[field.currencyField] as string | null) : null) || shopCurrency,
      );
    case "bool":
      return value ? "Yes" : "No";
    case "int":
    case "float":
      return typeof value === "number" ? formatNumber(value) : String(value);
    default:
      return String(value);
  }
}
