// Route contracts of the audit domain. Filled in by the audit slice.
export const auditRoutes = {};
