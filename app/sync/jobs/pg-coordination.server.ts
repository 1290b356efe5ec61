/**
 * Coordination of many worker processes on one PostgreSQL (the multi-worker backend, see
 * docs/decisions/002-job-queue.md). The queue stays the `jobs` table (a transactional outbox:
 * enqueue is an INSERT in the caller's transaction); this module only decides who runs what.
 *
 *  - claim: fair across shops and limited per shop across ALL workers. Shops are visited in order
 *    of fewest running jobs, then oldest due job, one job per shop per round (round-robin), so a
 *    1,000,000-order shop holds at most `perShop` slots while a hundred small ones are served.
 *    Inside one short transaction per shop: `pg_try_advisory_xact_lock(shop)` serialises claimers
 *    of that shop (so the running counts they read are exact), the per-(shop, concurrencyKey)
 *    limits of the job types are checked against the rows running now, and the job row is taken
 *    with `FOR UPDATE SKIP LOCKED` and marked running.
 *  - withShopLimit: a per-shop counting semaphore across processes made of session advisory locks
 *    `(hash(shop|key), slot)`; a killed process's connection closes and its slots free at once.
 */
import pg from "pg";
import { resolveDatabaseUrl } from "../../../prisma/database-url";
import type { JobRegistry } from "./define";

export interface ClaimedRow {
  id: string;
  type: string;
  shop: string;
  resource: string | null;
  payloadJson: string;
  attempts: number;
  maxAttempts: number;
}

export interface PgCoordination {
  /** Claim up to `max` due jobs for `workerId` (fair across shops, per-shop limits global). */
  claim(max: number): Promise<ClaimedRow[]>;
  withShopLimit<T>(
    shop: string,
    key: string,
    limit: number,
    signal: AbortSignal,
    fn: () => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

export interface PgCoordinationOptions {
  /** postgres:// URL (default DATABASE_URL). */
  url?: string;
  registry: JobRegistry;
  workerId: string;
  /** Jobs running at once per shop across all workers. */
  perShop: number;
  /** Pool size for coordination queries and held semaphore slots (default 6). */
  poolSize?: number;
}

const LOCK_NAMESPACE = "storesync.jobs";

export function createPgCoordination(options: PgCoordinationOptions): PgCoordination {
  const target = resolveDatabaseUrl(options.url ?? process.env.DATABASE_URL);
  if (target.engine !== "postgresql")
    throw new Error("the multi-worker job backend needs PostgreSQL (DATABASE_URL=postgres://…)");
  const pool = new pg.Pool({ ...target.pgConfig, max: options.poolSize ?? 6 });
  pool.on("error", () => undefined); // an idle client lost: the next query reconnects
  const { registry, workerId, perShop } = options;
  const types = [...registry.keys()];
  // Types sharing a concurrency key, and each key's limit.
  const keyOf = new Map<string, { key: string; limit: number }>();
  for (const def of registry.values())
    if (def.concurrencyKey)
      keyOf.set(def.type, { key: def.concurrencyKey, limit: def.concurrencyLimit });

  async function candidateShops(limit: number): Promise<string[]> {
    const { rows } = await pool.query<{ shop: string }>(
      `SELECT q.shop
         FROM (SELECT shop, min(run_at) AS due FROM jobs
                WHERE status = 'queued' AND run_at <= now() AND type = ANY($1::text[])
                GROUP BY shop) q
         LEFT JOIN (SELECT shop, count(*)::int AS n FROM jobs WHERE status = 'running' GROUP BY shop) r
           ON r.shop = q.shop
        WHERE coalesce(r.n, 0) < $2
        ORDER BY coalesce(r.n, 0), q.due
        LIMIT $3`,
      [types, perShop, limit],
    );
    return rows.map((r) => r.shop);
  }

  /** One job of `shop`, or null (limits reached, nothing due, or another worker is claiming it). */
  async function claimOne(shop: string): Promise<ClaimedRow | null> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const lock = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtext($1)::bigint) AS ok",
        [`${LOCK_NAMESPACE}:${shop}`],
      );
      if (!lock.rows[0]?.ok) {
        await client.query("ROLLBACK");
        return null;
      }
      const running = await client.query<{ type: string; n: number }>(
        "SELECT type, count(*)::int AS n FROM jobs WHERE shop = $1 AND status = 'running' GROUP BY type",
        [shop],
      );
      let total = 0;
      const byKey = new Map<string, number>();
      for (const r of running.rows) {
        total += r.n;
        const k = keyOf.get(r.type);
        if (k) byKey.set(k.key, (byKey.get(k.key) ?? 0) + r.n);
      }
      if (total >= perShop) {
        await client.query("ROLLBACK");
        return null;
      }
      const allowed = types.filter((t) => {
        const k = keyOf.get(t);
        return !k || (byKey.get(k.key) ?? 0) < k.limit;
      });
      const picked = await client.query<{ id: string }>(
        `SELECT id FROM jobs
          WHERE shop = $1 AND status = 'queued' AND run_at <= now() AND type = ANY($2::text[])
          ORDER BY run_at, created_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
        [shop, allowed],
      );
      const id = picked.rows[0]?.id;
      if (!id) {
        await client.query("ROLLBACK");
        return null;
      }
      const updated = await client.query<ClaimedRow>(
        `UPDATE jobs SET status = 'running', locked_by = $2, locked_at = now(), attempts = attempts + 1, updated_at = now()
          WHERE id = $1
          RETURNING id, type, shop, resource, payload_json AS "payloadJson", attempts, max_attempts AS "maxAttempts"`,
        [id, workerId],
      );
      await client.query("COMMIT");
      return updated.rows[0] ?? null;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    async claim(max) {
      const out: ClaimedRow[] = [];
      if (max <= 0 || types.length === 0) return out;
      // Rounds: one job per shop per round, shops with the fewest running jobs first.
      for (let round = 0; round < max && out.length < max; round++) {
        const shops = await candidateShops(Math.max(max - out.length, 1) * 2);
        let gotThisRound = 0;
        for (const shop of shops) {
          if (out.length >= max) break;
          const job = await claimOne(shop);
          if (job) {
            out.push(job);
            gotThisRound++;
          }
        }
        if (gotThisRound === 0) break;
      }
      return out;
    },

    async withShopLimit(shop, key, limit, signal, fn) {
      const client = await pool.connect();
      let slot = -1;
      let broken = false;
      try {
        const lockKey = `${LOCK_NAMESPACE}:${shop}|${key}`;
        for (let wait = 20; slot < 0; wait = Math.min(500, wait * 2)) {
          for (let i = 0; i < limit && slot < 0; i++) {
            const r = await client.query<{ ok: boolean }>(
              "SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok",
              [lockKey, i],
            );
            if (r.rows[0]?.ok) slot = i;
          }
          if (slot >= 0) break;
          signal.throwIfAborted();
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        try {
          return await fn();
        } finally {
          // A connection whose unlock failed is destroyed, not pooled: closing it frees the slot.
          await client
            .query("SELECT pg_advisory_unlock(hashtext($1), $2)", [lockKey, slot])
            .catch(() => (broken = true));
        }
      } finally {
        client.release(broken);
      }
    },

    async close() {
      await pool.end();
    },
  };
}
