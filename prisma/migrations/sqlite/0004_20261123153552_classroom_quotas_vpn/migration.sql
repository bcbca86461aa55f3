-- AlterTable
ALTER TABLE "Enrollment" ADD COLUMN "inviteId" TEXT;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN "classId" TEXT;

-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "baseVersion" INTEGER;
ALTER TABLE "Machine" ADD COLUMN "hoursWarned" TEXT;
ALTER TABLE "Machine" ADD COLUMN "idleKeepUntil" DATETIME;
ALTER TABLE "Machine" ADD COLUMN "meteredAt" DATETIME;

-- AlterTable
ALTER TABLE "ConsoleSession" ADD COLUMN "tokenId" TEXT;

-- CreateTable
CREATE TABLE "ClassCoOwner" (
    "classId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("classId", "userId"),
    CONSTRAINT "ClassCoOwner_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassCoOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassInvite" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "classId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "expiresAt" DATETIME,
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "allowed" TEXT NOT NULL DEFAULT '',
    "revokedAt" DATETIME,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClassInvite_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ClassInvite_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeptDisk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "classId" TEXT NOT NULL,
    "machineId" TEXT,
    "hostId" TEXT,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "jobId" TEXT,
    "keepUntil" DATETIME NOT NULL,
    "releasedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "KeptDisk_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "KeptDisk_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "defaultFor" TEXT,
    "maxMachines" INTEGER,
    "maxRunning" INTEGER,
    "maxVcpus" INTEGER,
    "maxMemoryMb" INTEGER,
    "maxDiskGb" INTEGER,
    "hoursPerMonth" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "QuotaOverride" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "maxMachines" INTEGER,
    "maxRunning" INTEGER,
    "maxVcpus" INTEGER,
    "maxMemoryMb" INTEGER,
    "maxDiskGb" INTEGER,
    "hoursPerMonth" INTEGER,
    "note" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "QuotaOverride_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UsageMonth" (
    "userId" TEXT NOT NULL,
    "classKey" TEXT NOT NULL DEFAULT '',
    "classId" TEXT,
    "month" TEXT NOT NULL,
    "usedSeconds" INTEGER NOT NULL DEFAULT 0,
    "grantedSeconds" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "classKey", "month"),
    CONSTRAINT "UsageMonth_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "UsageMonth_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuotaRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "classId" TEXT,
    "kind" TEXT NOT NULL,
    "amount" TEXT NOT NULL DEFAULT '{}',
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "decisionNote" TEXT,
    "granted" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuotaRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QuotaRequest_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "VpnCertificate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "commonName" TEXT NOT NULL,
    "certPem" TEXT NOT NULL,
    "keySealed" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "address" TEXT,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revokeReason" TEXT,
    CONSTRAINT "VpnCertificate_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "searchText" TEXT NOT NULL DEFAULT '',
    "role" TEXT NOT NULL DEFAULT 'STUDENT',
    "passwordHash" TEXT NOT NULL,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "disabledAt" DATETIME,
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "lastLoginAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "planId" TEXT,
    CONSTRAINT "User_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("createdAt", "disabledAt", "email", "id", "lastLoginAt", "mustChangePassword", "name", "passwordHash", "role", "searchText", "sessionVersion", "updatedAt") SELECT "createdAt", "disabledAt", "email", "id", "lastLoginAt", "mustChangePassword", "name", "passwordHash", "role", "searchText", "sessionVersion", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_role_idx" ON "User"("role");
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");
CREATE INDEX "User_disabledAt_idx" ON "User"("disabledAt");
CREATE TABLE "new_Class" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "ownerId" TEXT NOT NULL,
    "templateId" TEXT,
    "baseTemplateId" TEXT,
    "baseVersion" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'READY',
    "statusDetail" TEXT,
    "hoursPerStudent" INTEGER NOT NULL DEFAULT 10,
    "idleMinutes" INTEGER NOT NULL DEFAULT 30,
    "isolatedNetwork" BOOLEAN NOT NULL DEFAULT true,
    "maxStudents" INTEGER NOT NULL DEFAULT 30,
    "poolSize" INTEGER NOT NULL DEFAULT 0,
    "enrolledCount" INTEGER NOT NULL DEFAULT 0,
    "rdpClipboard" BOOLEAN NOT NULL DEFAULT true,
    "keepDays" INTEGER NOT NULL DEFAULT 7,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Class_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Class_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Class_baseTemplateId_fkey" FOREIGN KEY ("baseTemplateId") REFERENCES "Template" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Class" ("archivedAt", "createdAt", "description", "id", "name", "ownerId", "updatedAt") SELECT "archivedAt", "createdAt", "description", "id", "name", "ownerId", "updatedAt" FROM "Class";
DROP TABLE "Class";
ALTER TABLE "new_Class" RENAME TO "Class";
CREATE INDEX "Class_ownerId_createdAt_idx" ON "Class"("ownerId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
