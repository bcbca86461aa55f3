// IPv4 arithmetic: the VPN's tunnel network, address pool and lab networks, and whether a machine address lies in
// them (desktop-client reachability). Pure and client-safe; addresses are handled as unsigned 32-bit numbers.

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(text: string): number | null {
  const parts = text.trim().split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export type Cidr = { base: number; prefix: number; text: string };

export function parseCidr(text: string): Cidr | null {
  const [ip, bits, extra] = text.trim().split("/");
  if (extra !== undefined || ip === undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return null;
  const addr = parseIp(ip);
  const prefix = Number(bits);
  if (addr === null || prefix < 0 || prefix > 32) return null;
  const base = prefix === 0 ? 0 : (addr & maskBits(prefix)) >>> 0;
  if (base !== addr) return null; // host bits set: "10.8.0.1/24" is ambiguous, ask for 10.8.0.0/24
  return { base, prefix, text: `${formatIp(base)}/${prefix}` };
}

function maskBits(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function netmask(prefix: number): string {
  return formatIp(maskBits(prefix));
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function inCidr(ip: number, c: Cidr): boolean {
  return ip >= c.base && ip < c.base + cidrSize(c);
}

/** First and last usable host address of a network (/31 and /32 have no network/broadcast addresses). */
export function hostRange(c: Cidr): { first: number; last: number } {
  if (c.prefix >= 31) return { first: c.base, last: c.base + cidrSize(c) - 1 };
  return { first: c.base + 1, last: c.base + cidrSize(c) - 2 };
}

export type IpRange = { start: number; end: number };

/** "10.8.0.64-10.8.0.254" */
export function parseRange(text: string): IpRange | null {
  const [a, b, extra] = text.split("-");
  if (extra !== undefined || a === undefined || b === undefined) return null;
  const start = parseIp(a);
  const end = parseIp(b);
  if (start === null || end === null || end < start) return null;
  return { start, end };
}

export function formatRange(r: IpRange): string {
  return `${formatIp(r.start)}-${formatIp(r.end)}`;
}

/**
 * The tunnel layout for a network and a static pool: the server takes the first host address, the dynamic range
 * (OpenVPN's ifconfig-pool, for clients without a static address) is what lies between the server and the static
 * pool. Returns a reason when the pool does not fit.
 */
export function tunnelLayout(
  network: string,
  pool: string,
):
  | { ok: true; net: Cidr; server: number; pool: IpRange; dynamic: IpRange | null }
  | { ok: false; field: "network" | "pool"; reason: string } {
  const net = parseCidr(network);
  if (!net) return { ok: false, field: "network", reason: "Use a network such as 10.8.0.0/24." };
  if (net.prefix > 29 || net.prefix < 8)
    return { ok: false, field: "network", reason: "The tunnel network must be between /8 and /29." };
  const hosts = hostRange(net);
  const server = hosts.first;
  const range = parseRange(pool);
  if (!range) return { ok: false, field: "pool", reason: "Use a range such as 10.8.0.64-10.8.0.254." };
  if (range.start <= server || range.end > hosts.last) {
    return {
      ok: false,
      field: "pool",
      reason: `The static pool must lie inside ${net.text} after the server's address ${formatIp(server)} (up to ${formatIp(hosts.last)}).`,
    };
  }
  const dynamic = range.start - 1 > server ? { start: server + 1, end: range.start - 1 } : null;
  return { ok: true, net, server, pool: range, dynamic };
}

/** The default static pool of a network: everything after its first quarter (the quarter is the dynamic range). */
export function defaultPool(network: string): string {
  const net = parseCidr(network);
  if (!net) return "";
  const hosts = hostRange(net);
  const start = Math.max(hosts.first + 2, net.base + Math.floor(cidrSize(net) / 4));
  return formatRange({ start, end: hosts.last });
}

/** The IPv4 addresses in a machine's comma-separated address list (IPv6 and junk are skipped). */
export function ipv4List(list: string | null | undefined): string[] {
  if (!list) return [];
  return list
    .split(",")
    .map((s) => s.trim().replace(/\/\d+$/, ""))
    .filter((s) => parseIp(s) !== null);
}
