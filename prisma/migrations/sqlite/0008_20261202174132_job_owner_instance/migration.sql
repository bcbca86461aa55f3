-- AlterTable
ALTER TABLE "Job" ADD COLUMN "ownerInstance" TEXT;
