-- AlterTable
ALTER TABLE "Template" ADD COLUMN "dockerCapabilities" TEXT;
