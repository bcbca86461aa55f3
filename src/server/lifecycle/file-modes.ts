// Runtime files are the portal user's alone: server.ts sets umask 077 before anything is written, and at start
// tightens what an earlier run (or an older version) left: folders under DATA_DIR and LOG_DIR 0700, files 0600
// (the SQLite database and its -wal/-shm, auth-secret, VPN keys, uploads, images, portal.log, the audit log).
import { chmodSync, existsSync, lstatSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** Walks `root` (not following symlinks) and sets folders to 0700 and files to 0600; returns how many changed. */
export function tightenTree(root: string): number {
  let changed = 0;
  const visit = (path: string) => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed meanwhile
    }
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) {
      try {
        chmodSync(path, want);
        changed++;
      } catch {
        // not ours (another user's file in a shared folder): left as it is
      }
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  if (existsSync(root)) visit(resolve(root));
  return changed;
}

/** The SQLite file of a file: URL and its -wal/-shm/-journal companions (none for PostgreSQL). */
export function sqliteFiles(databaseUrl: string): string[] {
  if (!databaseUrl.startsWith("file:")) return [];
  const file = resolve(databaseUrl.slice("file:".length).split("?")[0] ?? "");
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/** umask 077, then the modes of what already exists. Returns how many paths were tightened. */
export function protectRuntimeFiles(config: { DATA_DIR: string; LOG_DIR: string; DATABASE_URL: string }): number {
  process.umask(0o077);
  let changed = tightenTree(config.DATA_DIR) + tightenTree(config.LOG_DIR);
  // a database outside DATA_DIR: the file and its companions (its folder may be shared, so it is left alone)
  for (const file of sqliteFiles(config.DATABASE_URL)) if (existsSync(file)) changed += tightenFile(file);
  return changed;
}

function tightenFile(path: string): number {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink() || (st.mode & 0o777) === 0o600) return 0;
    chmodSync(path, 0o600);
    return 1;
  } catch {
    return 0;
  }
}
