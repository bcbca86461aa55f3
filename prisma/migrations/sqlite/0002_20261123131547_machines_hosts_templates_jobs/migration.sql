-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "virtType" TEXT NOT NULL DEFAULT 'kvm',
    "storagePool" TEXT NOT NULL DEFAULT 'lab-portal',
    "consoleAddress" TEXT NOT NULL DEFAULT '127.0.0.1',
    "publishAddress" TEXT NOT NULL DEFAULT '127.0.0.1',
    "tlsDir" TEXT,
    "vcpus" INTEGER NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "diskGb" INTEGER NOT NULL,
    "maxMachines" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'UNKNOWN',
    "statusDetail" TEXT,
    "lastSeenAt" DATETIME,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "cordoned" BOOLEAN NOT NULL DEFAULT false,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "ownerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "statusDetail" TEXT,
    "imagePath" TEXT,
    "imageFormat" TEXT,
    "imageBytes" BIGINT,
    "isoPath" TEXT,
    "dockerImage" TEXT,
    "dockerCommand" TEXT,
    "shell" TEXT NOT NULL DEFAULT '/bin/sh',
    "vcpus" INTEGER NOT NULL DEFAULT 1,
    "memoryMb" INTEGER NOT NULL DEFAULT 512,
    "diskGb" INTEGER NOT NULL DEFAULT 4,
    "osType" TEXT NOT NULL DEFAULT 'LINUX',
    "consoleKinds" TEXT NOT NULL DEFAULT 'vnc',
    "sshUser" TEXT,
    "sshPort" INTEGER NOT NULL DEFAULT 22,
    "rdpPort" INTEGER NOT NULL DEFAULT 3389,
    "keepDataDisk" BOOLEAN NOT NULL DEFAULT false,
    "installMachineId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Template_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TemplateHost" (
    "templateId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "volume" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("templateId", "hostId"),
    CONSTRAINT "TemplateHost_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TemplateHost_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "title" TEXT NOT NULL,
    "createdById" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "ownerPid" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Job_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "machineId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "JobItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Machine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "ownerId" TEXT,
    "classId" TEXT,
    "templateId" TEXT,
    "hostId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'LIBVIRT',
    "role" TEXT NOT NULL DEFAULT 'PERSONAL',
    "state" TEXT NOT NULL DEFAULT 'PROVISIONING',
    "stateDetail" TEXT,
    "providerRef" TEXT,
    "diskVolume" TEXT,
    "fullCopy" BOOLEAN NOT NULL DEFAULT false,
    "vcpus" INTEGER NOT NULL DEFAULT 1,
    "memoryMb" INTEGER NOT NULL DEFAULT 512,
    "diskGb" INTEGER NOT NULL DEFAULT 4,
    "vncPort" INTEGER,
    "spicePort" INTEGER,
    "displaySecret" TEXT,
    "ipAddresses" TEXT,
    "drift" TEXT,
    "driftAt" DATETIME,
    "lastStartedAt" DATETIME,
    "lastStoppedAt" DATETIME,
    "jobId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Machine_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Machine_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Machine_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Machine_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Machine" ("classId", "createdAt", "id", "name", "ownerId", "state", "updatedAt") SELECT "classId", "createdAt", "id", "name", "ownerId", "state", "updatedAt" FROM "Machine";
DROP TABLE "Machine";
ALTER TABLE "new_Machine" RENAME TO "Machine";
CREATE INDEX "Machine_ownerId_createdAt_idx" ON "Machine"("ownerId", "createdAt");
CREATE INDEX "Machine_classId_idx" ON "Machine"("classId");
CREATE INDEX "Machine_hostId_state_idx" ON "Machine"("hostId", "state");
CREATE INDEX "Machine_state_idx" ON "Machine"("state");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE INDEX "Template_kind_status_idx" ON "Template"("kind", "status");

-- CreateIndex
CREATE INDEX "Job_status_idx" ON "Job"("status");

-- CreateIndex
CREATE INDEX "Job_createdAt_idx" ON "Job"("createdAt");

-- CreateIndex
CREATE INDEX "JobItem_machineId_idx" ON "JobItem"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "JobItem_jobId_position_key" ON "JobItem"("jobId", "position");
