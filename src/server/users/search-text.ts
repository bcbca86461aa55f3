/** Lower-cased text searched by the users list; the same on SQLite and PostgreSQL. */
export function searchTextOf(email: string, name: string): string {
  return `${email} ${name}`.toLowerCase();
}
