// The public shape of a user in the admin API, and the columns it needs.
import type { TUserRow } from "./routes";

export const userRowSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  mustChangePassword: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

type UserRowSource = {
  id: string;
  email: string;
  name: string;
  role: TUserRow["role"];
  disabledAt: Date | null;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
};

export function toUserRow(u: UserRowSource): TUserRow {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
