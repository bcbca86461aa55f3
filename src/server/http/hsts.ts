// Strict-Transport-Security: sent by server.ts on every response when PUBLIC_URL is https (the portal is reached
// over TLS, usually through a reverse proxy that terminates it), never over plain http. One year, no
// includeSubDomains or preload: those bind other hosts of the domain and are the operator's call (README).
export const HSTS_VALUE = "max-age=31536000";

export function hstsHeader(publicUrl: string | undefined): string | null {
  if (!publicUrl) return null;
  try {
    return new URL(publicUrl).protocol === "https:" ? HSTS_VALUE : null;
  } catch {
    return null;
  }
}
