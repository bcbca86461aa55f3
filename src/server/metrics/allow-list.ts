// METRICS_ALLOW: the addresses that may read /metrics without a token. Only node:net, no path aliases:
// src/env.ts validates the variable with it (also when next.config.mjs checks the environment).
import { BlockList, isIP } from "node:net";

export const DEFAULT_METRICS_ALLOW = "127.0.0.1/32, ::1/128";

/**
 * "10.0.0.0/8, ::1/128, 192.0.2.7" → a BlockList (a bare address is one host); errors name each bad entry.
 * "none" allows no address (only the scrape token then), e.g. behind a proxy that forwards /metrics.
 */
export function parseAllowList(text: string): { list: BlockList; errors: string[] } {
  const list = new BlockList();
  const errors: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    if (entry === "none") continue;
    const [address = "", bits, extra] = entry.split("/");
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      errors.push(`"${entry}" is not an address or CIDR range (such as 10.0.0.0/8 or ::1/128)`);
      continue;
    }
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { list, errors };
}
