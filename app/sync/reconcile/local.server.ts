/**
 * The local side of reconciliation: a refined table's (id, version, synced_at, deleted_at) in id
 * order, read in keyset pages (constant memory), and small helpers over refined rows.
 */
import { engineOf, type Db } from "~/db.server";
import { sqliteTimestamp } from "../refine/upsert.server";
import { TABLES, type TableName } from "../refine/tables";
import type { LocalEntry } from "./diff";
import type { VersionKind } from "./remote-maps";

export function toMs(v: unknown): number {
  if (v === null || v === undefined) return Number.NaN;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return Date.parse(String(v));
}

export function toBigInt(v: unknown): bigint {
  return typeof v === "bigint" ? v : BigInt(String(v));
}

const q = (s: string) => `"${s}"`;

/** Placeholder `i` (1-based) of `type` for the engine. */
export function ph(db: Db, i: number, type: "text" | "bigint" | "timestamptz"): string {
  return engineOf(db) === "postgresql" ? `$${i}::${type}` : "?";
}

export function bindBigint(db: Db, v: bigint): unknown {
  return engineOf(db) === "postgresql" ? v.toString() : v;
}

export function bindTime(db: Db, d: Date): unknown {
  return engineOf(db) === "postgresql" ? d.toISOString() : sqliteTimestamp(d);
}

/** Local rows of `table` for `shop`, ascending id, `pageSize` per page. */
export async function* localPages(
  db: Db,
  shop: string,
  table: TableName,
  versionColumn: string | null,
  kind: VersionKind,
  pageSize = 5000,
): AsyncGenerator<LocalEntry[]> {
  let after: bigint | null = null;
  const version = versionColumn ? q(versionColumn) : "NULL";
  for (;;) {
    const params: unknown[] = [shop];
    let where = `${q("shop")} = ${ph(db, 1, "text")}`;
    if (after !== null) {
      params.push(bindBigint(db, after));
      where += ` AND ${q("id")} > ${ph(db, 2, "bigint")}`;
    }
    const rows = await db.$queryRawUnsafe<{ id: unknown; v: unknown; s: unknown; d: unknown }[]>(
      `SELECT ${q("id")} AS "id", ${version} AS "v", ${q("synced_at")} AS "s", ${q("deleted_at")} AS "d" FROM ${q(table)} WHERE ${where} ORDER BY ${q("id")} LIMIT ${pageSize}`,
      ...params,
    );
    if (rows.length === 0) return;
    const page: LocalEntry[] = rows.map((r) => ({
      id: toBigInt(r.id),
      version:
        kind === "timestamp"
          ? toMs(r.v)
          : kind === "state"
            ? r.v === null || r.v === undefined
              ? null
              : String(r.v)
            : null,
      syncedAtMs: toMs(r.s),
      deleted: r.d !== null && r.d !== undefined,
    }));
    yield page;
    if (rows.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}

export interface LocalRowState {
  version: number | string | null;
  deleted: boolean;
  syncedAtMs: number;
}

/** Current (version, deleted, synced_at) of some rows of a table, by id. */
export async function localStates(
  db: Db,
  shop: string,
  table: TableName,
  versionColumn: string | null,
  kind: VersionKind,
  ids: readonly bigint[],
): Promise<Map<bigint, LocalRowState>> {
  const out = new Map<bigint, LocalRowState>();
  const version = versionColumn ? q(versionColumn) : "NULL";
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const list = part.map((_, k) => ph(db, k + 2, "bigint")).join(", ");
    const rows = await db.$queryRawUnsafe<{ id: unknown; v: unknown; s: unknown; d: unknown }[]>(
      `SELECT ${q("id")} AS "id", ${version} AS "v", ${q("synced_at")} AS "s", ${q("deleted_at")} AS "d" FROM ${q(table)} WHERE ${q("shop")} = ${ph(db, 1, "text")} AND ${q("id")} IN (${list})`,
      shop,
      ...part.map((id) => bindBigint(db, id)),
    );
    for (const r of rows)
      out.set(toBigInt(r.id), {
        version:
          kind === "timestamp"
            ? toMs(r.v)
            : kind === "state"
              ? r.v === null
                ? null
                : String(r.v)
              : null,
        deleted: r.d !== null && r.d !== undefined,
        syncedAtMs: toMs(r.s),
      });
  }
  return out;
}

/**
 * Compare-and-set reset of a row altered locally (newer than Shopify, or tombstoned while Shopify
 * still has it), so the remote version can be written through the normal version guard: only if
 * the row was not written since it was read (synced_at unchanged) — a live write in between wins.
 * The version goes back to the epoch and the tombstone is lifted, also on the rows it owns (a
 * local cascade); the refetched record then rewrites them (complete child lists re-tombstone what
 * Shopify no longer has).
 */
export async function resetForHeal(
  db: Db,
  shop: string,
  table: TableName,
  id: bigint,
  syncedAtMs: number,
): Promise<boolean> {
  const spec = TABLES[table];
  // Placeholders numbered in text order (SQLite binds `?` by position).
  const params: unknown[] = [];
  const sets = [`${q("deleted_at")} = NULL`];
  if (spec.version) {
    params.push(bindTime(db, new Date(0)));
    sets.push(`${q("updated_at")} = ${ph(db, params.length, "timestamptz")}`);
  }
  params.push(shop);
  const shopPh = ph(db, params.length, "text");
  params.push(bindBigint(db, id));
  const idPh = ph(db, params.length, "bigint");
  params.push(bindTime(db, new Date(syncedAtMs)));
  const syncedPh = ph(db, params.length, "timestamptz");
  const n = await db.$executeRawUnsafe(
    `UPDATE ${q(table)} SET ${sets.join(", ")} WHERE ${q("shop")} = ${shopPh} AND ${q("id")} = ${idPh} AND ${q("synced_at")} = ${syncedPh}`,
    ...params,
  );
  if (n === 0) return false;
  for (const child of Object.values(TABLES)) {
    if (child.owner?.table !== table) continue;
    const ownerColumn = child.byField.get(child.owner.field)!.column;
    await db.$executeRawUnsafe(
      `UPDATE ${q(child.name)} SET ${q("deleted_at")} = NULL WHERE ${q("shop")} = ${ph(db, 1, "text")} AND ${q(ownerColumn)} = ${ph(db, 2, "bigint")} AND ${q("deleted_at")} IS NOT NULL`,
      shop,
      bindBigint(db, id),
    );
  }
  return true;
}
