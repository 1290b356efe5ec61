/** Copy-on-write merge of GraphQL-shaped patches into records. */

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype
  );
}

/** How to id a new element appended to a child array of a record (`variants` of a Product, ...). */
export interface ChildKind {
  typename: string;
  /** GID query suffix kept on ids (`?model_name=CustomerAddress`). */
  suffix?: string;
}
export const CHILD_KINDS: Record<string, ChildKind> = {
  variants: { typename: "ProductVariant" },
  media: { typename: "MediaImage" },
  addressesV2: { typename: "MailingAddress", suffix: "?model_name=CustomerAddress" },
  codes: { typename: "DiscountRedeemCode" },
  lineItems: { typename: "LineItem" },
};

function gidNumber(id: unknown): number {
  const m = /\/(\d+)(?:\?.*)?$/.exec(String(id));
  return m ? Number(m[1]) : NaN;
}

export interface PatchContext {
  /** Numeric id of the record that owns child arrays at this level (children: owner * 1000 + k). */
  ownerId: number;
  /** Filled with the ids of child elements added / removed, per field. */
  added: Map<string, Obj[]>;
  removed: Map<string, Obj[]>;
}

/**
 * Merges `patch` into `cur`: plain objects merge deeply, arrays of objects with ids merge by id
 * (elements without an id are appended with a new id; `{ id, _delete: true }` removes one),
 * anything else replaces. Never mutates `cur`; untouched subtrees are shared.
 */
export function applyPatch(cur: unknown, patch: unknown, ctx: PatchContext, field = ""): unknown {
  if (patch === undefined) return cur;
  if (Array.isArray(patch)) {
    if (
      Array.isArray(cur) &&
      patch.every(isPlainObject) &&
      (cur.length === 0 ? field in CHILD_KINDS : cur.every((c) => isPlainObject(c) && "id" in c)) &&
      patch.length > 0
    )
      return mergeById(cur as Obj[], patch as Obj[], ctx, field);
    return patch.map((p) => (isPlainObject(p) ? { ...p } : p));
  }
  if (isPlainObject(patch) && isPlainObject(cur)) {
    const out: Obj = { ...cur };
    for (const s of Object.getOwnPropertySymbols(cur))
      Object.defineProperty(out, s, {
        value: (cur as Record<symbol, unknown>)[s],
        enumerable: false,
        writable: true,
        configurable: true,
      });
    for (const [k, v] of Object.entries(patch)) {
      if (k === "__typename" || (k === "id" && "id" in cur)) continue;
      out[k] = applyPatch(cur[k], v, ctx, k);
    }
    return out;
  }
  return patch;
}

function mergeById(cur: Obj[], patch: Obj[], ctx: PatchContext, field: string): Obj[] {
  const out = cur.slice();
  let maxK = 0;
  for (const c of cur) {
    const n = gidNumber(c.id);
    if (Number.isFinite(n) && Math.floor(n / 1000) === ctx.ownerId) maxK = Math.max(maxK, n % 1000);
  }
  const kind = CHILD_KINDS[field];
  for (const p of patch) {
    const pos =
      p.id === undefined
        ? -1
        : out.findIndex((c) => c.id === p.id || gidNumber(c.id) === gidNumber(p.id));
    if (p._delete === true) {
      if (pos >= 0) {
        push(ctx.removed, field, out[pos]);
        out.splice(pos, 1);
      }
      continue;
    }
    const clean = { ...p };
    delete clean._delete;
    if (pos >= 0) {
      out[pos] = applyPatch(out[pos], clean, ctx, field) as Obj;
      continue;
    }
    // A new element: start from a sibling's shape so required fields are present.
    const sibling = out[out.length - 1] ?? cur[cur.length - 1];
    const typename = (sibling?.__typename as string | undefined) ?? kind?.typename ?? "Node";
    const suffix = sibling ? (/\?.*$/.exec(String(sibling.id))?.[0] ?? "") : (kind?.suffix ?? "");
    maxK += 1;
    const n = ctx.ownerId * 1000 + maxK;
    const base: Obj = sibling ? { ...sibling } : { __typename: typename };
    const el = applyPatch(base, clean, ctx, field) as Obj;
    el.__typename = typename;
    el.id = clean.id !== undefined ? clean.id : `gid://shopify/${typename}/${n}${suffix}`;
    if ("legacyResourceId" in el) el.legacyResourceId = String(gidNumber(el.id));
    if ("position" in el) el.position = out.length + 1;
    out.push(el);
    push(ctx.added, field, el);
  }
  return out;
}

function push(m: Map<string, Obj[]>, k: string, v: Obj): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Deep copy of plain data (functions and symbol-keyed hidden values are kept by reference). */
export function cloneRecord<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneRecord(x)) as T;
  if (isPlainObject(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneRecord(x);
    for (const s of Object.getOwnPropertySymbols(v))
      Object.defineProperty(out, s, {
        value: (v as Record<symbol, unknown>)[s],
        enumerable: false,
        writable: true,
        configurable: true,
      });
    return out as T;
  }
  return v;
}
