import { myLabs } from "@/server/classes/my-labs";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor }) => myLabs(actor), classesRoutes.labs);
