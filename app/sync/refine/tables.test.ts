/** The table specs refinement writes with must match the Prisma model (prisma/schema.base.prisma). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TABLE_ORDER, TABLES, type ColumnType } from "./tables";

const PRISMA_TYPE: Record<ColumnType, string> = {
  bigint: "BigInt",
  string: "String",
  int: "Int",
  bool: "Boolean",
  decimal: "Decimal",
  date: "DateTime",
  float: "Float",
};

interface Field {
  name: string;
  type: string;
  optional: boolean;
  hasDefault: boolean;
  column: string;
}

function models(): Map<string, { table: string; fields: Field[]; id: string[] }> {
  const text = readFileSync("prisma/schema.base.prisma", "utf8");
  const out = new Map<string, { table: string; fields: Field[]; id: string[] }>();
  for (const m of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const body = m[2]!;
    const fields: Field[] = [];
    for (const line of body.split("\n")) {
      const f = /^\s+(\w+)\s+(\w+)(\?)?(.*)$/.exec(line);
      if (!f || f[1]!.startsWith("@")) continue;
      fields.push({
        name: f[1]!,
        type: f[2]!,
        optional: !!f[3],
        hasDefault: /@default\(/.test(f[4]!),
        column: /@map\("([^"]+)"\)/.exec(f[4]!)?.[1] ?? f[1]!,
      });
    }
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? m[1]!;
    const id = /@@id\(\[([^\]]+)\]\)/.exec(body)?.[1]!.split(",").map((s) => s.trim()) ?? [];
    out.set(m[1]!, { table, fields, id });
  }
  return out;
}

describe("refined table specs", () => {
  const all = models();
  for (const spec of Object.values(TABLES)) {
    it(`${spec.name} matches model ${spec.model}`, () => {
      const model = all.get(spec.model)!;
      expect(model, spec.model).toBeDefined();
      expect(model.table).toBe(spec.name);
      expect(model.id).toEqual(["shop", ...spec.key]);
      const generic = new Set(["shop", "syncedAt", "deletedAt"]);
      const fields = model.fields.filter((f) => !generic.has(f.name));
      expect(spec.columns.map((c) => c.field).sort()).toEqual(fields.map((f) => f.name).sort());
      for (const f of fields) {
        const c = spec.byField.get(f.name)!;
        expect({ field: f.name, column: c.column, type: PRISMA_TYPE[c.type], required: c.required }).toEqual({
          field: f.name,
          column: f.column,
          type: f.type,
          required: !f.optional && !f.hasDefault,
        });
      }
      for (const g of generic) expect(model.fields.some((f) => f.name === g), `${spec.model}.${g}`).toBe(true);
    });
  }
  it("orders owners before the rows they own", () => {
    expect(new Set(TABLE_ORDER).size).toBe(Object.keys(TABLES).length);
    for (const spec of Object.values(TABLES))
      if (spec.owner) expect(TABLE_ORDER.indexOf(spec.owner.table)).toBeLessThan(TABLE_ORDER.indexOf(spec.name));
  });
});
