-- DropIndex
DROP INDEX "customers_shop_gid_key";

-- DropIndex
DROP INDEX "orders_shop_gid_key";

-- DropIndex
DROP INDEX "products_shop_gid_key";

-- DropIndex
DROP INDEX "raw_records_sync_run_id_idx";

-- DropIndex
DROP INDEX "raw_records_shop_resource_gid_idx";

-- CreateIndex
CREATE INDEX "raw_records_shop_gid_idx" ON "raw_records"("shop", "gid");

