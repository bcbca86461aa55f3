-- AlterTable
ALTER TABLE "ConsoleSession" ADD COLUMN "instanceId" TEXT;
ALTER TABLE "ConsoleSession" ADD COLUMN "kickCode" INTEGER;
ALTER TABLE "ConsoleSession" ADD COLUMN "kickReason" TEXT;
ALTER TABLE "ConsoleSession" ADD COLUMN "seenAt" DATETIME;

-- CreateIndex
CREATE INDEX "ConsoleSession_instanceId_closedAt_idx" ON "ConsoleSession"("instanceId", "closedAt");
