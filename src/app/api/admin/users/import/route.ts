import { AppError } from "@/server/http/app-error";
import { withAuth } from "@/server/http/route";
import { importUsers, isCsvContentType } from "@/server/users/import-users";
import { usersRoutes } from "@/server/users/routes";

export const POST = withAuth(({ ctx, req, rawBody }) => {
  if (!isCsvContentType(req.headers.get("content-type")))
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the CSV file with Content-Type: text/csv.");
  return importUsers(ctx, rawBody);
}, usersRoutes.import);
