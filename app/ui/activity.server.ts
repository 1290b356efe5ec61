/**
 * Activity feed read model: newest first, keyset-paginated on (created_at, id), filterable by
 * resource and by kind (a group such as "sync" = every "sync.*" kind, or one exact kind).
 */
import type { Db } from "../db.server";
import { resourceLabel } from "../sync/resources/catalog";

import { decodeCursor, encodeCursor, type OrderField, seekWhere } from "./keyset";
import { recordPathForGid } from "./tables";

export const ACTIVITY_KIND_GROUPS = [
  { value: "sync", label: "Syncs" },
  { value: "webhook", label: "Live updates (webhooks)" },
  { value: "refine", label: "Processing" },
  { value: "reconcile", label: "Integrity checks" },
  { value: "job", label: "Stopped background work" },
  { value: "compliance", label: "Privacy requests" },
  { value: "app", label: "App" },
] as const;

export interface ActivityFilter {
  resource?: string | null;
  kind?: string | null;
  cursor?: string | null;
  /** Read the page before `cursor` (newer events). */
  before?: boolean;
  limit?: number;
}

export interface ActivityItem {
  id: number;
  createdAt: string;
  level: "info" | "warning" | "error";
  kind: string;
  resource: string | null;
  resourceLabel: string | null;
  /** One sentence a merchant understands. */
  sentence: string;
  /** Data browser page of the affected record, when there is one. */
  recordPath: string | null;
}

export interface ActivityPage {
  items: ActivityItem[];
  nextCursor: string | null;
  prevCursor: string | null;
}

const ORDER: OrderField[] = [
  { field: "createdAt", type: "date" },
  { field: "id", type: "int" },
];


export function kindWhere(kind: string | null | undefined): Record<string, unknown> | null {
  if (!kind) return null;
  if (kind.includes(".")) return { kind };
  return { kind: { startsWith: `${kind}.` } };
}

/** The stored message, or a plain sentence made from the kind when it is empty. */
export function activitySentence(event: {
  kind: string;
  message: string;
  resource: string | null;
}): string {
  const message = event.message.trim();
  if (message) return /[.!?]$/.test(message) ? message : `${message}.`;
  const what = event.resource ? (resourceLabel(event.resource) ?? event.resource).toLowerCase() : "";
  const [group, action = ""] = event.kind.split(".");
  const subject = what ? ` of ${what}` : "";
  switch (group) {
    case "sync":
      return `A sync${subject} ${action ? action.replace(/_/g, " ") : "ran"}.`;
    case "webhook":
      return `Shopify sent an update${subject}.`;
    case "reconcile":
      return `An integrity check${subject} ${action ? action.replace(/_/g, " ") : "ran"}.`;
    default:
      return `${event.kind.replace(/[._]/g, " ")}${subject}.`;
  }
}

function level(value: string): ActivityItem["level"] {
  return value === "error" || value === "warning" ? value : "info";
}

export async function listActivity(
  db: Db,
  shop: string,
  filter: ActivityFilter = {},
): Promise<ActivityPage> {
  const limit = Math.min(200, Math.max(1, filter.limit ?? 50));
  const cursor = decodeCursor(filter.cursor, ORDER);
  const before = Boolean(filter.before && cursor);
  const walk = before ? "asc" : "desc";
  const filters: Record<string, unknown>[] = [{ shop }];
  if (filter.resource) filters.push({ resource: filter.resource });
  const kind = kindWhere(filter.kind);
  if (kind) filters.push(kind);
  if (cursor) filters.push(seekWhere(ORDER, cursor, walk));

  const found = await db.activityEvent.findMany({
    where: { AND: filters },
    orderBy: [{ createdAt: walk }, { id: walk }],
    take: limit + 1,
  });
  const more = found.length > limit;
  const page = found.slice(0, limit);
  if (before) page.reverse();
  const cursorOf = (e: { createdAt: Date; id: number }) => encodeCursor([e.createdAt, e.id]);
  const first = page[0];
  const last = page[page.length - 1];

  return {
    items: page.map((e) => ({
      id: e.id,
      createdAt: e.createdAt.toISOString(),
      level: level(e.level),
      kind: e.kind,
      resource: e.resource,
      resourceLabel: e.resource ? (resourceLabel(e.resource) ?? e.resource) : null,
      sentence: activitySentence(e),
      recordPath: recordPathForGid(e.subjectGid),
    })),
    nextCursor: last && (before || more) ? cursorOf(last) : null,
    prevCursor: first && (before ? more : Boolean(cursor)) ? cursorOf(first) : null,
  };
}
