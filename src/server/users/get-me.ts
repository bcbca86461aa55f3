// The signed-in user's own profile.
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import type { TMe } from "./routes";

export const meSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  mustChangePassword: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

export function toMe(u: {
  id: string;
  email: string;
  name: string;
  role: TMe["role"];
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}): TMe {
  return { ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString() };
}

export async function getMe(actor: Pick<Actor, "id">): Promise<TMe> {
  const user = await db().user.findUnique({ where: { id: actor.id }, select: meSelect });
  if (!user) throw new AppError("UNAUTHENTICATED");
  return toMe(user);
}
