// The admin users list: search on the lower-cased searchText column (same behaviour on SQLite and PostgreSQL),
// filters by role and status, newest first, one page at a time.
import { db } from "@/server/db/client";
import type { TListUsersQuery, TUserList } from "./routes";
import { toUserRow, userRowSelect } from "./user-row";

export async function listUsers(query: TListUsersQuery): Promise<TUserList> {
  const q = query.q?.trim().toLowerCase();
  const where = {
    ...(q ? { searchText: { contains: q } } : {}),
    ...(query.role ? { role: query.role } : {}),
    ...(query.status === "active"
      ? { disabledAt: null }
      : query.status === "disabled"
        ? { disabledAt: { not: null } }
        : {}),
  };
  const [items, total] = await Promise.all([
    db().user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: userRowSelect,
    }),
    db().user.count({ where }),
  ]);
  return { items: items.map(toUserRow), total, page: query.page, pageSize: query.pageSize };
}
