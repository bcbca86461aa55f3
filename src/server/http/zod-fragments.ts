// Zod pieces that many route schemas share (one definition each; zod-text.ts beside it has the text rules).
import { z } from "zod";

/** A blank string (or only spaces) counts as not given: query parameters and optional form fields. */
export const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A row id (a cuid) in a path or a body: 1 to 64 characters. */
export const ZIdString = z.string().min(1).max(64);

/** Path parameters `{ id }` of a route like /api/machines/[id]. */
export const ZId = z.object({ id: ZIdString });
