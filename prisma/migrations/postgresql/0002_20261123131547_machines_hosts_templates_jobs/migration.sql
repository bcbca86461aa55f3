-- CreateEnum
CREATE TYPE "HostKind" AS ENUM ('LIBVIRT', 'DOCKER');

-- CreateEnum
CREATE TYPE "HostStatus" AS ENUM ('UNKNOWN', 'ONLINE', 'DEGRADED', 'OFFLINE');

-- CreateEnum
CREATE TYPE "TemplateStatus" AS ENUM ('DRAFT', 'UPLOADING', 'INSTALLING', 'READY', 'FAILED');

-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "diskGb" INTEGER NOT NULL DEFAULT 4,
ADD COLUMN     "diskVolume" TEXT,
ADD COLUMN     "displaySecret" TEXT,
ADD COLUMN     "drift" TEXT,
ADD COLUMN     "driftAt" TIMESTAMP(3),
ADD COLUMN     "fullCopy" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "hostId" TEXT,
ADD COLUMN     "ipAddresses" TEXT,
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "kind" "HostKind" NOT NULL DEFAULT 'LIBVIRT',
ADD COLUMN     "lastStartedAt" TIMESTAMP(3),
ADD COLUMN     "lastStoppedAt" TIMESTAMP(3),
ADD COLUMN     "memoryMb" INTEGER NOT NULL DEFAULT 512,
ADD COLUMN     "providerRef" TEXT,
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'PERSONAL',
ADD COLUMN     "spicePort" INTEGER,
ADD COLUMN     "stateDetail" TEXT,
ADD COLUMN     "templateId" TEXT,
ADD COLUMN     "vcpus" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "vncPort" INTEGER,
ALTER COLUMN "state" SET DEFAULT 'PROVISIONING';

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "HostKind" NOT NULL,
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
    "status" "HostStatus" NOT NULL DEFAULT 'UNKNOWN',
    "statusDetail" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "cordoned" BOOLEAN NOT NULL DEFAULT false,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "HostKind" NOT NULL,
    "ownerId" TEXT,
    "status" "TemplateStatus" NOT NULL DEFAULT 'DRAFT',
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateHost" (
    "templateId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "volume" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateHost_pkey" PRIMARY KEY ("templateId","hostId")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobItem" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "machineId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "JobItem_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Machine_hostId_state_idx" ON "Machine"("hostId", "state");

-- CreateIndex
CREATE INDEX "Machine_state_idx" ON "Machine"("state");

-- AddForeignKey
ALTER TABLE "Template" ADD CONSTRAINT "Template_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateHost" ADD CONSTRAINT "TemplateHost_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateHost" ADD CONSTRAINT "TemplateHost_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Machine" ADD CONSTRAINT "Machine_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Machine" ADD CONSTRAINT "Machine_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobItem" ADD CONSTRAINT "JobItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
