import { isAbsolute, resolve } from "node:path";

/** `file:./data/x.db` → absolute path (relative paths are relative to the working directory). */
export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:/, "").split("?")[0] ?? "";
  if (!path) throw new Error(`DATABASE_URL "${url}" has no file path`);
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}
