-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "spiceSecret" TEXT,
ADD COLUMN     "spiceSecretUntil" TIMESTAMP(3);
