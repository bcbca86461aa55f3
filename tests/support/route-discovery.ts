// Finds every route handler under src/app/api and the HTTP methods it exports, by reading the files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ROOT } from "./portal-process";

export type DiscoveredRoute = { file: string; path: string; methods: string[]; source: string };

const API_DIR = join(ROOT, "src/app/api");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    return /^route\.(ts|tsx|js)$/.test(name) ? [full] : [];
  });
}

/** src/app/api/admin/users/[id]/route.ts → /api/admin/users/{id} ; route groups "(x)" vanish. */
export function routePathOf(file: string): string {
  const segments = relative(API_DIR, file).split(sep).slice(0, -1);
  const path = segments
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => s.replace(/^\[\[?\.\.\.(\w+)\]\]?$/, "[...$1]").replace(/^\[(\w+)\]$/, "{$1}"));
  return `/api${path.length ? `/${path.join("/")}` : ""}`;
}

export function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  for (const m of source.matchAll(
    /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g,
  ))
    methods.add(m[1]!);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name && /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(name)) methods.add(name);
    }
  }
  return [...methods].sort();
}

export function discoverRoutes(): DiscoveredRoute[] {
  return walk(API_DIR).map((file) => {
    const source = readFileSync(file, "utf8");
    return { file: relative(ROOT, file), path: routePathOf(file), methods: exportedMethods(source), source };
  });
}

/** /api/admin/users/{id} → /api/admin/users/does-not-exist-0 */
export function concretePath(path: string): string {
  let i = 0;
  return path.replace(/\{\w+\}/g, () => `does-not-exist-${i++}`);
}
