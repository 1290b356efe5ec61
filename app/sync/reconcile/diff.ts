/**
 * Remote map vs local map: a merge-join of two id-sorted sequences.
 *
 * The remote map is held compactly (a BigInt64Array of ids and a Float64Array of versions —
 * 16 bytes per record, 16 MB at a million records) because bulk files promise no order; it is
 * sorted once if it arrived unsorted. The local side is streamed from the database in id order,
 * page by page, so only one page of local rows is in memory at a time.
 *
 * Classification (per id):
 *   missing  remote only (or only a tombstone locally while Shopify still has the record)
 *   stale    both, versions differ (remote newer; or local newer / a different state, which only a
 *            local alteration explains: healed with `force`)
 *   zombie   local only and not tombstoned
 * "Live" records are never findings: remote versions at or after the live cutoff (changes made
 * while reconciliation runs, which webhooks / the incremental sync deliver), and local rows
 * written at or after the run started.
 */
import type { VersionKind } from "./remote-maps";

export interface LocalEntry {
  id: bigint;
  /** Timestamp kind: epoch ms; state kind: the state; none: null. */
  version: number | string | null;
  syncedAtMs: number;
  deleted: boolean;
}

export type FindingKind = "missing" | "stale" | "zombie";
export type FindingReason =
  | "remote-only"
  | "tombstoned-locally"
  | "remote-newer"
  | "local-newer"
  | "state-differs"
  | "local-version-missing"
  | "local-only";

export interface Finding {
  kind: FindingKind;
  id: bigint;
  reason: FindingReason;
  /** The remote version as an ISO time / state (null when unknown). */
  remoteVersion: string | null;
  /** The local row must be reset before the remote record can be written (local tombstone, local newer). */
  force: boolean;
  /** synced_at of the local row when it was read (compare-and-set guard of a forced heal). */
  localSyncedAtMs: number | null;
}

export interface DiffOptions {
  kind: VersionKind;
  /** Remote versions at or after this are live changes (ms). */
  liveCutoffMs: number;
  /** Local rows synced at or after this are live writes (ms). */
  startedAtMs: number;
  /** Findings kept in `findings` (the counts are always exact). Default 100,000. */
  maxFindings?: number;
}

export interface DiffResult {
  remoteCount: number;
  /** Live (not tombstoned) local rows. */
  localCount: number;
  matched: number;
  skippedLive: number;
  counts: Record<FindingKind, number>;
  findings: Finding[];
}

/** A compact, id-sorted remote map. */
export class RemoteMap {
  private ids = new BigInt64Array(1024);
  private times = new Float64Array(1024);
  private states: (string | null)[] | null;
  private n = 0;
  private sorted = true;

  constructor(readonly kind: VersionKind) {
    this.states = kind === "state" ? [] : null;
  }

  get size(): number {
    return this.n;
  }

  add(id: bigint, version: string | null): void {
    if (this.n === this.ids.length) {
      const ids = new BigInt64Array(this.n * 2);
      ids.set(this.ids);
      this.ids = ids;
      const times = new Float64Array(this.n * 2);
      times.set(this.times);
      this.times = times;
    }
    if (this.n > 0 && this.ids[this.n - 1]! >= id) this.sorted = false;
    this.ids[this.n] = id;
    this.times[this.n] = this.kind === "timestamp" && version ? Date.parse(version) : Number.NaN;
    if (this.states) this.states.push(version);
    this.n++;
  }

  /** Sorts by id (once) and drops duplicate ids (the last one wins). */
  finish(): this {
    if (!this.sorted) {
      const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) =>
        this.ids[a]! < this.ids[b]! ? -1 : this.ids[a]! > this.ids[b]! ? 1 : a - b,
      );
      const ids = new BigInt64Array(this.n);
      const times = new Float64Array(this.n);
      const states = this.states ? order.map((i) => this.states![i]!) : null;
      order.forEach((from, to) => {
        ids[to] = this.ids[from]!;
        times[to] = this.times[from]!;
      });
      this.ids = ids;
      this.times = times;
      this.states = states;
      this.sorted = true;
    }
    // Duplicates (a record seen twice): keep the last.
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (w > 0 && this.ids[w - 1] === this.ids[r]) w--;
      this.ids[w] = this.ids[r]!;
      this.times[w] = this.times[r]!;
      if (this.states) this.states[w] = this.states[r]!;
      w++;
    }
    this.n = w;
    if (this.states) this.states.length = w;
    return this;
  }

  idAt(i: number): bigint {
    return this.ids[i]!;
  }
  timeAt(i: number): number {
    return this.times[i]!;
  }
  stateAt(i: number): string | null {
    return this.states ? (this.states[i] ?? null) : null;
  }
  versionText(i: number): string | null {
    if (this.kind === "timestamp")
      return Number.isNaN(this.times[i]!) ? null : new Date(this.times[i]!).toISOString();
    return this.stateAt(i);
  }
}

/** Merge-joins the remote map with the local rows (pages in ascending id order). */
export async function diffMaps(
  remote: RemoteMap,
  localPages: AsyncIterable<LocalEntry[]>,
  opts: DiffOptions,
): Promise<DiffResult> {
  remote.finish();
  const max = opts.maxFindings ?? 100_000;
  const result: DiffResult = {
    remoteCount: remote.size,
    localCount: 0,
    matched: 0,
    skippedLive: 0,
    counts: { missing: 0, stale: 0, zombie: 0 },
    findings: [],
  };
  const push = (f: Finding) => {
    result.counts[f.kind]++;
    if (result.findings.length < max) result.findings.push(f);
  };
  const remoteLive = (i: number) =>
    opts.kind === "timestamp" && remote.timeAt(i) >= opts.liveCutoffMs;

  const onlyRemote = (i: number) => {
    if (remoteLive(i)) result.skippedLive++;
    else
      push({
        kind: "missing",
        id: remote.idAt(i),
        reason: "remote-only",
        remoteVersion: remote.versionText(i),
        force: false,
        localSyncedAtMs: null,
      });
  };

  let r = 0;
  let lastLocal: bigint | null = null;
  for await (const page of localPages) {
    for (const l of page) {
      if (lastLocal !== null && l.id <= lastLocal)
        throw new Error("reconcile: local rows must come in ascending id order");
      lastLocal = l.id;
      while (r < remote.size && remote.idAt(r) < l.id) onlyRemote(r++);
      if (!l.deleted) result.localCount++;
      const localLive = l.syncedAtMs >= opts.startedAtMs;
      if (r < remote.size && remote.idAt(r) === l.id) {
        const i = r++;
        if (localLive || remoteLive(i)) {
          result.skippedLive++;
          continue;
        }
        const base = {
          id: l.id,
          remoteVersion: remote.versionText(i),
          localSyncedAtMs: l.syncedAtMs,
        };
        if (l.deleted) {
          push({ kind: "missing", reason: "tombstoned-locally", force: true, ...base });
          continue;
        }
        const verdict = compareVersions(opts.kind, remote, i, l);
        if (verdict === "equal") result.matched++;
        else push({ kind: "stale", reason: verdict, force: verdict === "local-newer", ...base });
      } else if (!l.deleted) {
        if (localLive) result.skippedLive++;
        else
          push({
            kind: "zombie",
            id: l.id,
            reason: "local-only",
            remoteVersion: null,
            force: false,
            localSyncedAtMs: l.syncedAtMs,
          });
      }
    }
  }
  while (r < remote.size) onlyRemote(r++);
  return result;
}

function compareVersions(
  kind: VersionKind,
  remote: RemoteMap,
  i: number,
  l: LocalEntry,
): "equal" | FindingReason {
  if (kind === "none") return "equal";
  if (kind === "state")
    return remote.stateAt(i) === null || remote.stateAt(i) === l.version
      ? "equal"
      : "state-differs";
  const rt = remote.timeAt(i);
  if (Number.isNaN(rt)) return "equal"; // nothing to compare (nullable updatedAt)
  if (l.version === null || typeof l.version !== "number" || Number.isNaN(l.version))
    return "local-version-missing";
  if (rt > l.version) return "remote-newer";
  if (rt < l.version) return "local-newer";
  return "equal";
}
