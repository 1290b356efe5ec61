-- CreateTable
CREATE TABLE "shop_api_budgets" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "maximum_available" REAL NOT NULL DEFAULT 1000,
    "restore_rate" REAL NOT NULL DEFAULT 50,
    "level" REAL NOT NULL DEFAULT 0,
    "level_at_ms" REAL NOT NULL DEFAULT 0,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

