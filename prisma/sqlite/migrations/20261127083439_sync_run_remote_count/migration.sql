-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN "remote_count" INTEGER;

