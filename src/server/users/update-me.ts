// The signed-in user changes their own display name.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { getMe, meSelect, toMe } from "./get-me";
import type { TMe } from "./routes";
import { searchTextOf } from "./search-text";

export async function updateMe(ctx: Ctx, input: { name: string }): Promise<TMe> {
  const { actor } = ctx;
  const before = await getMe(actor);
  const user = await db().user.update({
    where: { id: actor.id },
    data: { name: input.name, searchText: searchTextOf(before.email, input.name) },
    select: meSelect,
  });
  if (before.name !== user.name) {
    await recordAudit({
      ...ctx,
      action: "user.update",
      target: { type: "user", id: user.id, name: user.email },
      details: { name: { from: before.name, to: user.name }, self: true },
    });
  }
  return toMe(user);
}
