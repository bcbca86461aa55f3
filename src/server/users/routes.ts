// Route contracts of the users domain (admin users API, own profile). Filled in by the users slice.
export const usersRoutes = {};
