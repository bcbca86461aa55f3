import { releaseKeptDisk } from "@/server/classes/publish";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ actor, params, ip }) => releaseKeptDisk(actor, params.id, params.itemId, ip),
  classesRoutes.releaseKeptDisk,
);
