import { expectedOrigin } from "@/server/console/origin";

/** The portal's origin for links it hands out (invite links): PUBLIC_URL's, else the Host the request came to. */
export function publicOrigin(req: Request): string {
  return expectedOrigin(Object.fromEntries(req.headers)) ?? new URL(req.url).origin;
}
