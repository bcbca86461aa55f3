import { releaseKeptDisk } from "@/server/classes/publish";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ ctx, params }) => releaseKeptDisk(ctx, params.id, params.itemId),
  classesRoutes.releaseKeptDisk,
);
