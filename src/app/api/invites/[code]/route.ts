import { previewInvite } from "@/server/classes/join";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => previewInvite(actor, params.code), classesRoutes.preview);
