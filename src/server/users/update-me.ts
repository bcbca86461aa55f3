// The signed-in user changes their own display name.
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { getMe, meSelect, toMe } from "./get-me";
import type { TMe } from "./routes";
import { searchTextOf } from "./search-text";

export async function updateMe(actor: Actor, input: { name: string }, ip: string | null): Promise<TMe> {
  const before = await getMe(actor);
  const user = await db().user.update({
    where: { id: actor.id },
    data: { name: input.name, searchText: searchTextOf(before.email, input.name) },
    select: meSelect,
  });
  if (before.name !== user.name) {
    await recordAudit({
      actor,
      action: "user.update",
      target: { type: "user", id: user.id, name: user.email },
      ip,
      details: { name: { from: before.name, to: user.name }, self: true },
    });
  }
  return toMe(user);
}
