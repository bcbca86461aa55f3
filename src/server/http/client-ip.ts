// server.ts writes the caller's address into this header on every request and upgrade (overwriting anything the
// client sent), so code behind Next can trust it.
export const CLIENT_IP_HEADER = "x-lab-client-ip";

export function clientIp(headers: Headers): string | null {
  return headers.get(CLIENT_IP_HEADER);
}
