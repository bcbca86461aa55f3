-- AlterTable
ALTER TABLE "ConsoleSession" ADD COLUMN     "instanceId" TEXT,
ADD COLUMN     "kickCode" INTEGER,
ADD COLUMN     "kickReason" TEXT,
ADD COLUMN     "seenAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "ConsoleSession_instanceId_closedAt_idx" ON "ConsoleSession"("instanceId", "closedAt");
