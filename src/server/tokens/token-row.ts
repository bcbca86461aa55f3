// The public shape of an API token and the columns it needs. The hash never leaves the server.
import { parseScopes } from "@/server/auth/api-tokens";
import type { TAdminTokenRow, TTokenRow } from "./routes";

export const tokenRowSelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
} as const;

export const tokenOwnerSelect = { user: { select: { id: true, email: true, name: true, role: true } } } as const;

type TokenRowSource = {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
};

export function tokenStatus(
  t: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
): TTokenRow["status"] {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt <= now) return "expired";
  return "active";
}

/** Prisma filter for tokens of one status (the same rule as tokenStatus). */
export function statusWhere(status: TTokenRow["status"], now = new Date()) {
  if (status === "revoked") return { revokedAt: { not: null } };
  if (status === "expired") return { revokedAt: null, expiresAt: { lte: now } };
  return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

export function toTokenRow(t: TokenRowSource): TTokenRow {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: parseScopes(t.scopes),
    status: tokenStatus(t),
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: t.lastUsedIp,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export function toAdminTokenRow(t: TokenRowSource & { user: TAdminTokenRow["owner"] }): TAdminTokenRow {
  return { ...toTokenRow(t), owner: { id: t.user.id, email: t.user.email, name: t.user.name, role: t.user.role } };
}
