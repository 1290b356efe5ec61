/**
 * One GraphQL cost bucket per shop shared by every worker process: the state lives in the
 * `shop_api_budgets` row of the shop (PostgreSQL), and each reservation is one atomic UPDATE:
 *
 *   level := min(maximum, level + elapsed × restoreRate) − cost      (elapsed by the DATABASE clock)
 *
 * A negative level is a queue: the caller waits −level / restoreRate seconds, and the next caller
 * (any process) finds the level lower still and waits longer. After a call, the row takes the
 * lower of the server's `currentlyAvailable` and the model (plus the call's refund: reserved −
 * actual), so reservations of calls still in flight in other workers are not forgotten, while
 * spending from elsewhere (another app token, the merchant's admin) is learnt.
 *
 *   const shared = createSharedBucket(db);
 *   createAdminGraphql({ request, sharedBucket: shared.forShop(shop) });
 *
 * PostgreSQL only (the embedded SQLite mode has one process and keeps the local model).
 */
import type { Db } from "../../db.server";
import { engineOf } from "../../db.server";
import type { SharedBucket, ThrottleStatus } from "./admin-graphql";

const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::double precision";

export interface SharedBuckets {
  forShop(shop: string): SharedBucket;
}

export function createSharedBucket(db: Db): SharedBuckets {
  if (engineOf(db) !== "postgresql")
    throw new Error("createSharedBucket: the shared cost bucket needs PostgreSQL");
  return {
    forShop(shop: string): SharedBucket {
      return {
        async reserve(cost) {
          const rows = await db.$queryRawUnsafe<{ level: number; restore_rate: number }[]>(
            `UPDATE shop_api_budgets
                SET level = LEAST(maximum_available, level + GREATEST(0, ${NOW_MS} - level_at_ms) / 1000.0 * restore_rate)
                            - LEAST($2::double precision, maximum_available),
                    level_at_ms = ${NOW_MS},
                    updated_at = now()
              WHERE shop = $1
              RETURNING level, restore_rate`,
            shop,
            cost,
          );
          const row = rows[0];
          if (!row || row.level >= 0 || row.restore_rate <= 0) return 0; // unknown bucket: the first answer teaches it
          // +5 ms: never arrive a fraction short (the server rounds).
          return Math.ceil((-row.level / row.restore_rate) * 1000) + 5;
        },

        async observe(status: ThrottleStatus, reserved: number, actual: number) {
          await db.$executeRawUnsafe(
            `INSERT INTO shop_api_budgets (shop, maximum_available, restore_rate, level, level_at_ms, updated_at)
             VALUES ($1, $2, $3, $4, ${NOW_MS}, now())
             ON CONFLICT (shop) DO UPDATE SET
               maximum_available = EXCLUDED.maximum_available,
               restore_rate = EXCLUDED.restore_rate,
               level = LEAST(EXCLUDED.level,
                             LEAST(shop_api_budgets.maximum_available,
                                   shop_api_budgets.level + GREATEST(0, EXCLUDED.level_at_ms - shop_api_budgets.level_at_ms) / 1000.0 * shop_api_budgets.restore_rate)
                             + $5),
               level_at_ms = EXCLUDED.level_at_ms,
               updated_at = now()`,
            shop,
            status.maximumAvailable,
            status.restoreRate,
            status.currentlyAvailable,
            reserved - actual,
          );
        },
      };
    },
  };
}

/** The bucket row of a shop (health, tests). */
export async function readSharedBucket(
  db: Db,
  shop: string,
): Promise<{ level: number; maximumAvailable: number; restoreRate: number } | null> {
  const row = await db.shopApiBudget.findUnique({ where: { shop } });
  return row
    ? { level: row.level, maximumAvailable: row.maximumAvailable, restoreRate: row.restoreRate }
    : null;
}
