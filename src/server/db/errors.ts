// Prisma's error codes the portal reacts to, named once.

/** A unique constraint refused the row (Prisma P2002): someone else wrote it first. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === "P2002";
