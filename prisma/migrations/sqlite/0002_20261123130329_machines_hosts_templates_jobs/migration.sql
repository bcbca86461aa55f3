-- AlterTable
ALTER TABLE "Template" ADD COLUMN "dockerCommand" TEXT;
