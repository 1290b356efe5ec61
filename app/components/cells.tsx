import type { Plain, PlainRow } from "../ui/serialize";
import type { FieldDef } from "../ui/tables";

import { formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

/** One value of a data-browser row, formatted by its field type. */
export function formatCell(field: FieldDef, row: PlainRow): string {
  const value: Plain = row[field.field] ?? null;
  if (value === null || value === "") return "—";
  switch (field.type) {
    case "date":
      return field.field === "date" ? formatDate(String(value)) : formatDateTime(String(value));
    case "decimal":
      return formatMoney(
        value as string,
        field.currencyField ? (row[field.currencyField] as string | null) : null,
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
