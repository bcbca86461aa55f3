// Where to go after signing in (`/login?next=…`, next-auth's callbackUrl): only a path on this portal. Browsers
// read "\" as "/" and drop tabs and newlines inside URLs, so "/\evil.test", "/%5Cevil.test" (decoded by the
// router) or "/\t/evil.test" would leave the site; each of those is refused and "/" is used instead.

const FALLBACK = "/";

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function looksLocal(path: string): boolean {
  if (path.length < 1 || path.length > 2000 || hasControlChar(path)) return false;
  if (path[0] !== "/") return false;
  // a single leading "/" followed by something that is neither "/" nor "\" (or nothing: "/" itself)
  if (path.length > 1 && (path[1] === "/" || path[1] === "\\")) return false;
  if (path.includes("\\")) return false;
  return true;
}

/** The same-origin path `raw` names, or "/" when it could lead anywhere else. Client-safe. */
export function safeNextPath(raw: unknown, fallback = FALLBACK): string {
  if (typeof raw !== "string" || !looksLocal(raw)) return fallback;
  // the decoded form must be local too ("/%2F%2Fevil", "/%5Cevil", "/%09/evil")
  let decoded = raw;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
    if (!looksLocal(decoded)) return fallback;
  }
  try {
    const base = "http://x";
    const url = new URL(raw, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
