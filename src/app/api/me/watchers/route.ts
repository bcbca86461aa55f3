import { consoleRoutes } from "@/server/console/routes";
import { myWatchers } from "@/server/console/watchers";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor }) => myWatchers(actor), consoleRoutes.myWatchers);
