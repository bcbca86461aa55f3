// Where client code lives, enforced by reading the files (no lint plugin):
// 1. src/app is routing only. Every .ts/.tsx file under it is a file Next gives a meaning to by its name (page,
//    layout, template, loading, error, global-error, not-found, forbidden, unauthorized, default, route, and the
//    metadata files icon, apple-icon, opengraph-image, twitter-image, sitemap, robots, manifest). Pages and layouts
//    are server components; the only "use client" files allowed there are error.tsx and global-error.tsx, which
//    Next requires to be client components. Client components go to src/components/<area>/, hooks (use-*.ts) to
//    src/hooks/, client-safe helpers to src/lib/, client stores to src/stores/.
// 2. Nothing in src/components, src/lib, src/hooks or src/stores imports from src/app (by "@/app/…" or by a
//    relative path that climbs into it): code flows from src/app downwards, never back up.
// 3. No "use client" file, and nothing in src/components, src/hooks or src/stores (all bundled for the browser),
//    imports a value from src/server: only `import type` / `export type` may name it. Server code never reaches the
//    browser bundle.
// `placementProblems` is pure so the rules can be shown to fail on the layout they replaced (the first tests).
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

const NEXT_FILES = new Set([
  "page",
  "layout",
  "template",
  "loading",
  "error",
  "global-error",
  "not-found",
  "forbidden",
  "unauthorized",
  "default",
  "route",
  "icon",
  "apple-icon",
  "opengraph-image",
  "twitter-image",
  "sitemap",
  "robots",
  "manifest",
]);
const CLIENT_ALLOWED_IN_APP = new Set(["error", "global-error"]);
const BELOW_APP = ["src/components/", "src/lib/", "src/hooks/", "src/stores/"];
const BROWSER_ONLY = ["src/components/", "src/hooks/", "src/stores/"];

type SourceFile = { path: string; text: string };
type Import = { spec: string; typeOnly: boolean };

function isClient(text: string): boolean {
  const body = text.replace(/^(\s*(\/\/[^\n]*|\/\*[\s\S]*?\*\/))*\s*/, "");
  return /^["']use client["']/.test(body);
}

/** Every module a file names: static import/export … from, side-effect imports, dynamic import(). */
function importsOf(text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s*["']([^"']+)["']/gm))
    out.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** The repository path an import points at ("src/app/…"), or null for a package. */
function target(from: string, spec: string): string | null {
  if (spec.startsWith("@/")) return `src/${spec.slice(2)}`;
  if (spec.startsWith(".")) return posix.normalize(posix.join(posix.dirname(from), spec));
  return null;
}

const under = (path: string, dirs: readonly string[]) => dirs.some((d) => path.startsWith(d));

function placementProblems(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const { path, text } of files) {
    const client = isClient(text);
    if (path.startsWith("src/app/") && /\.tsx?$/.test(path)) {
      const name = posix.basename(path).replace(/\.tsx?$/, "");
      if (!NEXT_FILES.has(name))
        problems.push(
          `${path}: only pages, layouts and route files live in src/app; move it to src/components/<area>/`,
        );
      else if (client && !CLIENT_ALLOWED_IN_APP.has(name))
        problems.push(`${path}: a page-level file is a server component; put the "use client" part in src/components/`);
    }
    for (const imp of importsOf(text)) {
      const to = target(path, imp.spec);
      if (!to) continue;
      if (under(path, BELOW_APP) && (to === "src/app" || to.startsWith("src/app/")))
        problems.push(`${path}: imports "${imp.spec}" from src/app`);
      if (
        (client || under(path, BROWSER_ONLY)) &&
        !imp.typeOnly &&
        (to === "src/server" || to.startsWith("src/server/"))
      )
        problems.push(`${path}: client code imports a value from "${imp.spec}" (use \`import type\`)`);
    }
  }
  return problems;
}

function sources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx)$/.test(entry.name)) continue;
    const abs = join(entry.parentPath, entry.name);
    out.push({ path: relative(ROOT, abs).split("\\").join("/"), text: readFileSync(abs, "utf8") });
  }
  return out;
}

describe("placement rules (on examples of the old layout)", () => {
  it("flag a client component beside a page, and a page turned into a client component", () => {
    expect(
      placementProblems([
        { path: "src/app/(portal)/machines/machine-list.tsx", text: '"use client";\nexport function L() {}' },
        { path: "src/app/(portal)/machines/types.ts", text: "export type T = 1;" },
        { path: "src/app/(portal)/x/page.tsx", text: '// a page\n"use client";\nexport default function P() {}' },
      ]),
    ).toHaveLength(3);
  });
  it("allow pages, layouts, route handlers and a client error boundary in src/app", () => {
    expect(
      placementProblems([
        { path: "src/app/(portal)/machines/page.tsx", text: 'import { M } from "@/components/machines/m";' },
        { path: "src/app/layout.tsx", text: "export default function L() {}" },
        { path: "src/app/api/x/route.ts", text: 'import { h } from "@/server/x/h";' },
        { path: "src/app/error.tsx", text: '"use client";\nexport default function E() {}' },
      ]),
    ).toEqual([]);
  });
  it("flag components, lib, hooks and stores importing upward from src/app, by alias or relative path", () => {
    const problems = placementProblems([
      {
        path: "src/components/classes/roster-section.tsx",
        text: 'import {\n  MachineActions,\n} from "@/app/(portal)/machines/machine-actions";',
      },
      { path: "src/lib/x.ts", text: 'export { y } from "../app/(portal)/y";' },
      { path: "src/hooks/use-x.ts", text: 'const m = await import("@/app/z");' },
      { path: "src/stores/s.ts", text: 'import type { T } from "../../src/app/t";' },
    ]);
    expect(problems).toHaveLength(4);
  });
  it("flag value imports of src/server in client code, allow type imports", () => {
    const problems = placementProblems([
      { path: "src/components/a.tsx", text: 'import { type X, y } from "@/server/quotas/routes";' },
      { path: "src/components/b.ts", text: 'import { z } from "../server/z";' },
      { path: "src/lib/c.tsx", text: '"use client";\nimport "@/server/env";' },
      { path: "src/components/ok.tsx", text: 'import type { TMyQuota } from "@/server/quotas/routes";' },
      { path: "src/lib/server-side.ts", text: 'import { q } from "@/server/q";' },
    ]);
    expect(problems).toEqual([
      'src/components/a.tsx: client code imports a value from "@/server/quotas/routes" (use `import type`)',
      'src/components/b.ts: client code imports a value from "../server/z" (use `import type`)',
      'src/lib/c.tsx: client code imports a value from "@/server/env" (use `import type`)',
    ]);
  });
});

describe("the source tree", () => {
  it("follows the placement rules", () => {
    const files = ["src/app", "src/components", "src/lib", "src/hooks", "src/stores"].flatMap(sources);
    expect(files.filter((f) => isClient(f.text)).length).toBeGreaterThan(40);
    expect(placementProblems(files)).toEqual([]);
  });
});
