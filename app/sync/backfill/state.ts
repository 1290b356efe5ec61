/**
 * The resume state of one SyncRun, kept as JSON in `sync_runs.cursor`. Every checkpoint writes it
 * in the same statement as the run's counters, after the rows it describes are committed, so a
 * process that dies at any point resumes from the last checkpoint (re-read lines are cheap no-ops:
 * their raw hashes are already stored).
 */
export type RunPhase = "starting" | "awaiting" | "ingesting" | "paging" | "done";

export interface RunState {
  phase: RunPhase;
  /** Incremental: only records updated at or after this ISO time. */
  updatedSince: string | null;
  /** Resume after a failed bulk operation: only roots with a greater numeric id. */
  idsAfter: string | null;
  /** Bulk operations restarted after a failure so far. */
  restarts: number;
  /** Polls of the current bulk operation so far (drives the poll backoff). */
  polls: number;
  /** Result file being ingested and whether it is a partial one (failed operation). */
  url: string | null;
  partial: boolean;
  /** Next byte / line of the result file to read (resume point). */
  byteOffset: number;
  line: number;
  /**
   * Numeric ids of the most recent root lines, oldest first (bounded). A failed operation's
   * partial file may lack held-back children of its last roots, so the restart re-reads from the
   * oldest of these instead of from the very last root.
   */
  recentRoots: string[];
  /** Paginated: the page cursor to continue after. */
  after: string | null;
  /** Max updatedAt of the root records seen in this run (next incremental's starting point). */
  watermark: string | null;
  /** Orders: earliest and latest processedAt seen (daily metrics to recompute). */
  metricsFrom: string | null;
  metricsTo: string | null;
}

export const RECENT_ROOTS = 256;

export function initialState(partial: Partial<RunState> = {}): RunState {
  return {
    phase: "starting",
    updatedSince: null,
    idsAfter: null,
    restarts: 0,
    polls: 0,
    url: null,
    partial: false,
    byteOffset: 0,
    line: 1,
    recentRoots: [],
    after: null,
    watermark: null,
    metricsFrom: null,
    metricsTo: null,
    ...partial,
  };
}

export function readState(cursor: string | null): RunState {
  if (!cursor) return initialState();
  try {
    return initialState(JSON.parse(cursor) as Partial<RunState>);
  } catch {
    return initialState();
  }
}

/** Where to restart a failed bulk operation from (the first roots may need re-reading). */
export function resumeIdsAfter(state: RunState): string | null {
  if (state.recentRoots.length < RECENT_ROOTS) return state.idsAfter; // too little seen: start over
  return state.recentRoots[0] ?? state.idsAfter;
}

export function maxIso(a: string | null, b: unknown): string | null {
  if (typeof b !== "string" || !b) return a;
  return a === null || Date.parse(b) > Date.parse(a) ? b : a;
}

export function minIso(a: string | null, b: unknown): string | null {
  if (typeof b !== "string" || !b) return a;
  return a === null || Date.parse(b) < Date.parse(a) ? b : a;
}
