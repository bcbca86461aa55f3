-- AlterTable
ALTER TABLE "Host" ADD COLUMN "publicConsoleAddress" TEXT;
