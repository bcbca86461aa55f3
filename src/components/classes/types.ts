// Shapes the classroom pages receive from the API (kept in step with src/server/classes/routes.ts by type).
import type { z } from "zod";
import type { TClassRow, TRosterRow, ZCreateInvite, ZInvitePreview, ZInviteRow } from "@/server/classes/routes";
import type { TMachineRow, ZJobView } from "@/server/machines/routes";

export type ClassRow = TClassRow;
export type RosterRow = TRosterRow;
export type InviteRow = z.infer<typeof ZInviteRow>;
export type InvitePreview = z.infer<typeof ZInvitePreview>;
export type CreateInvite = z.input<typeof ZCreateInvite>;
export type JobView = z.infer<typeof ZJobView>;
export type { TMachineRow };

export type Roster = { items: RosterRow[]; teacherMachine: TMachineRow | null; pool: TMachineRow[] };
export type CreatedInvite = { invite: InviteRow; code: string; url: string };
export type KeptDisk = { id: string; label: string; machineId: string | null; keepUntil: string; createdAt: string };
export type LabItem = {
  machine: TMachineRow;
  class: { id: string; name: string; hoursPerStudent: number; idleMinutes: number } | null;
};
export type JoinResult = {
  class: ClassRow;
  machine: TMachineRow | null;
  job: JobView | null;
  alreadyEnrolled: boolean;
};

/** The settings a teacher edits, as form strings (numbers stay text until sent). */
export type SettingsForm = {
  name: string;
  description: string;
  hoursPerStudent: string;
  idleMinutes: string;
  isolatedNetwork: boolean;
  maxStudents: string;
  poolSize: string;
  rdpClipboard: boolean;
  keepDays: string;
};

export const DEFAULT_SETTINGS: SettingsForm = {
  name: "",
  description: "",
  hoursPerStudent: "10",
  idleMinutes: "30",
  isolatedNetwork: true,
  maxStudents: "30",
  poolSize: "0",
  rdpClipboard: true,
  keepDays: "7",
};

export function settingsFrom(c: ClassRow): SettingsForm {
  return {
    name: c.name,
    description: c.description,
    hoursPerStudent: String(c.hoursPerStudent),
    idleMinutes: String(c.idleMinutes),
    isolatedNetwork: c.isolatedNetwork,
    maxStudents: String(c.maxStudents),
    poolSize: String(c.poolSize),
    rdpClipboard: c.rdpClipboard,
    keepDays: String(c.keepDays),
  };
}

/** The JSON body for the settings (numbers as numbers when they look like one; the server says what is wrong). */
export function settingsBody(f: SettingsForm) {
  const num = (v: string) => (v.trim() === "" ? v : Number.isFinite(Number(v)) ? Number(v) : v);
  return {
    name: f.name,
    description: f.description,
    hoursPerStudent: num(f.hoursPerStudent),
    idleMinutes: num(f.idleMinutes),
    isolatedNetwork: f.isolatedNetwork,
    maxStudents: num(f.maxStudents),
    poolSize: num(f.poolSize),
    rdpClipboard: f.rdpClipboard,
    keepDays: num(f.keepDays),
  };
}

/** "3 h 20 min", "45 min", "0 min". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const ROLE_LABEL: Record<ClassRow["myRole"], string> = {
  owner: "Owner",
  "co-owner": "Co-owner",
  student: "Student",
  admin: "Admin",
};

/** A class's status in words (the server's status is an upper-case word like READY or DEPLOYING). */
export function classStatusText(c: Pick<ClassRow, "status" | "archivedAt">): string {
  if (c.archivedAt) return "Archived";
  const s = c.status.toLowerCase().replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
