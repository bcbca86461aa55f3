// Shapes the users pages receive from the API (kept in step with src/server/users/routes.ts by type).
import type { TImportResult, TUserList, TUserRow } from "@/server/users/routes";

export type UserRow = TUserRow;
export type UserList = TUserList;
export type ImportResult = TImportResult;
export type Role = TUserRow["role"];

export const ROLE_LABELS: Record<Role, string> = { ADMIN: "Admin", TEACHER: "Teacher", STUDENT: "Student" };
export const ROLES: readonly Role[] = ["STUDENT", "TEACHER", "ADMIN"];

export function formatDate(iso: string | null): string {
  if (!iso) return "Never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
