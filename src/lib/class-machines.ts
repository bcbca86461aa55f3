// Client-safe rules about class machines, shared by the API and the pages (the same words in both).

export const CLASS_MACHINE_DELETE_REFUSAL = "This machine belongs to your class; use Revert to reset it.";

/**
 * A student's own machine in a class (role STUDENT, owned by the viewer, who is not an admin): its owner may not
 * delete it (it is their seat in the class; the class's teachers can delete and re-create it from the roster).
 */
export function studentClassMachine(
  viewer: { id: string; role: string },
  m: {
    role: string;
    ownerId?: string | null;
    owner?: { id: string } | null;
    classId?: string | null;
    class?: { id: string } | null;
  },
): boolean {
  const ownerId = m.ownerId !== undefined ? m.ownerId : (m.owner?.id ?? null);
  const classId = m.classId !== undefined ? m.classId : (m.class?.id ?? null);
  return m.role === "STUDENT" && Boolean(classId) && ownerId === viewer.id && viewer.role !== "ADMIN";
}
