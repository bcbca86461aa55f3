// Admin view of every API token: search by owner or token name/prefix, filter by owner and status, newest
// first, one page at a time; revoke any.
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { revokeToken } from "./revoke";
import type { TAdminTokenList, TAdminTokenRow, TListTokensQuery } from "./routes";
import { statusWhere, toAdminTokenRow, tokenOwnerSelect, tokenRowSelect } from "./token-row";

export async function listAllTokens(query: TListTokensQuery): Promise<TAdminTokenList> {
  const q = query.q?.trim();
  const where = {
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.status ? statusWhere(query.status) : {}),
    ...(q
      ? {
          AND: [
            {
              OR: [
                // searchText is the owner's lower-cased email and name (the users list searches the same column)
                { user: { searchText: { contains: q.toLowerCase() } } },
                { name: { contains: q } },
                { prefix: { startsWith: q } },
              ],
            },
          ],
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db().apiToken.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: { ...tokenRowSelect, ...tokenOwnerSelect },
    }),
    db().apiToken.count({ where }),
  ]);
  return { items: rows.map(toAdminTokenRow), total, page: query.page, pageSize: query.pageSize };
}

export function revokeAnyToken(ctx: Ctx, id: string): Promise<TAdminTokenRow> {
  return revokeToken(ctx, id);
}
