-- AlterTable
ALTER TABLE "User" ADD COLUMN     "planId" TEXT;

-- AlterTable
ALTER TABLE "Class" ADD COLUMN     "baseTemplateId" TEXT,
ADD COLUMN     "baseVersion" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "enrolledCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "hoursPerStudent" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "idleMinutes" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "isolatedNetwork" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "keepDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "maxStudents" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "poolSize" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rdpClipboard" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'READY',
ADD COLUMN     "statusDetail" TEXT,
ADD COLUMN     "templateId" TEXT;

-- AlterTable
ALTER TABLE "Enrollment" ADD COLUMN     "inviteId" TEXT;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "classId" TEXT;

-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "baseVersion" INTEGER,
ADD COLUMN     "hoursWarned" TEXT,
ADD COLUMN     "idleKeepUntil" TIMESTAMP(3),
ADD COLUMN     "meteredAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ConsoleSession" ADD COLUMN     "tokenId" TEXT;

-- CreateTable
CREATE TABLE "ClassCoOwner" (
    "classId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClassCoOwner_pkey" PRIMARY KEY ("classId","userId")
);

-- CreateTable
CREATE TABLE "ClassInvite" (
    "id" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "expiresAt" TIMESTAMP(3),
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "allowed" TEXT NOT NULL DEFAULT '',
    "revokedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClassInvite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeptDisk" (
    "id" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "machineId" TEXT,
    "hostId" TEXT,
    "kind" "HostKind" NOT NULL,
    "ref" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "jobId" TEXT,
    "keepUntil" TIMESTAMP(3) NOT NULL,
    "releasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeptDisk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "defaultFor" TEXT,
    "maxMachines" INTEGER,
    "maxRunning" INTEGER,
    "maxVcpus" INTEGER,
    "maxMemoryMb" INTEGER,
    "maxDiskGb" INTEGER,
    "hoursPerMonth" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuotaOverride" (
    "userId" TEXT NOT NULL,
    "maxMachines" INTEGER,
    "maxRunning" INTEGER,
    "maxVcpus" INTEGER,
    "maxMemoryMb" INTEGER,
    "maxDiskGb" INTEGER,
    "hoursPerMonth" INTEGER,
    "note" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuotaOverride_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "UsageMonth" (
    "userId" TEXT NOT NULL,
    "classKey" TEXT NOT NULL DEFAULT '',
    "classId" TEXT,
    "month" TEXT NOT NULL,
    "usedSeconds" INTEGER NOT NULL DEFAULT 0,
    "grantedSeconds" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageMonth_pkey" PRIMARY KEY ("userId","classKey","month")
);

-- CreateTable
CREATE TABLE "QuotaRequest" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "classId" TEXT,
    "kind" TEXT NOT NULL,
    "amount" TEXT NOT NULL DEFAULT '{}',
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "granted" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuotaRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "VpnCertificate" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "commonName" TEXT NOT NULL,
    "certPem" TEXT NOT NULL,
    "keySealed" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "address" TEXT,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokeReason" TEXT,

    CONSTRAINT "VpnCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ClassCoOwner_userId_idx" ON "ClassCoOwner"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ClassInvite_hash_key" ON "ClassInvite"("hash");

-- CreateIndex
CREATE INDEX "ClassInvite_classId_idx" ON "ClassInvite"("classId");

-- CreateIndex
CREATE INDEX "KeptDisk_classId_releasedAt_idx" ON "KeptDisk"("classId", "releasedAt");

-- CreateIndex
CREATE INDEX "KeptDisk_keepUntil_idx" ON "KeptDisk"("keepUntil");

-- CreateIndex
CREATE UNIQUE INDEX "Plan_name_key" ON "Plan"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Plan_defaultFor_key" ON "Plan"("defaultFor");

-- CreateIndex
CREATE INDEX "UsageMonth_classId_month_idx" ON "UsageMonth"("classId", "month");

-- CreateIndex
CREATE INDEX "QuotaRequest_status_createdAt_idx" ON "QuotaRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "QuotaRequest_userId_createdAt_idx" ON "QuotaRequest"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "VpnCertificate_serial_key" ON "VpnCertificate"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "VpnCertificate_address_key" ON "VpnCertificate"("address");

-- CreateIndex
CREATE INDEX "VpnCertificate_userId_status_idx" ON "VpnCertificate"("userId", "status");

-- CreateIndex
CREATE INDEX "VpnCertificate_status_expiresAt_idx" ON "VpnCertificate"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Class" ADD CONSTRAINT "Class_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Class" ADD CONSTRAINT "Class_baseTemplateId_fkey" FOREIGN KEY ("baseTemplateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassCoOwner" ADD CONSTRAINT "ClassCoOwner_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassCoOwner" ADD CONSTRAINT "ClassCoOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassInvite" ADD CONSTRAINT "ClassInvite_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassInvite" ADD CONSTRAINT "ClassInvite_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeptDisk" ADD CONSTRAINT "KeptDisk_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeptDisk" ADD CONSTRAINT "KeptDisk_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuotaOverride" ADD CONSTRAINT "QuotaOverride_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageMonth" ADD CONSTRAINT "UsageMonth_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageMonth" ADD CONSTRAINT "UsageMonth_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuotaRequest" ADD CONSTRAINT "QuotaRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuotaRequest" ADD CONSTRAINT "QuotaRequest_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VpnCertificate" ADD CONSTRAINT "VpnCertificate_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
