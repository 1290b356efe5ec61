/**
 * V8 sizes the next old-generation limit from the live heap times a growing factor that reaches ~4
 * when allocation is fast. A bulk ingest allocates ~15 MB/s of batches that die within a second,
 * so 20–30 MB of live data sat in up to ~190 MB of heap (`npm run bench:backfill`, BENCH_DEBUG=1).
 * A fixed factor of 1.2 keeps the heap near what is alive; the price is more frequent, short major
 * collections. Soft: unlike --max-old-space-size it never stops a process that needs more.
 *
 * Process-wide and one-way, applied when the first bulk ingest starts (a process that never
 * ingests keeps V8's defaults). STORESYNC_HEAP_GROWING_PERCENT sets the percentage (default 20;
 * 0 leaves V8's own heuristics).
 */
import v8 from "node:v8";

let applied: number | null = null;

export function limitHeapGrowth(): number | null {
  if (applied !== null) return applied;
  const raw = process.env.STORESYNC_HEAP_GROWING_PERCENT;
  const percent = raw === undefined || raw === "" ? 20 : Number(raw);
  applied = Number.isFinite(percent) && percent > 0 ? Math.round(percent) : 0;
  if (applied > 0) v8.setFlagsFromString(`--heap-growing-percent=${applied}`);
  return applied;
}
