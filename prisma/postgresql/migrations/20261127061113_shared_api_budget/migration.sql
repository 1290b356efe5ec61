-- CreateTable
CREATE TABLE "shop_api_budgets" (
    "shop" TEXT NOT NULL,
    "maximum_available" DOUBLE PRECISION NOT NULL DEFAULT 1000,
    "restore_rate" DOUBLE PRECISION NOT NULL DEFAULT 50,
    "level" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "level_at_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shop_api_budgets_pkey" PRIMARY KEY ("shop")
);

