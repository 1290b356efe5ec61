-- DropIndex
DROP INDEX "raw_records_shop_gid_idx";

-- DropIndex
DROP INDEX "raw_records_shop_hash_key";

-- CreateIndex
CREATE UNIQUE INDEX "raw_records_shop_gid_hash_key" ON "raw_records"("shop", "gid", "hash");

