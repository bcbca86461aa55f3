-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "spiceSecret" TEXT;
ALTER TABLE "Machine" ADD COLUMN "spiceSecretUntil" DATETIME;
