// Items on a host that carry the portal's mark but have no row (found by the reconciler's sweep), kept in memory per
// host for the hosts page; never deleted automatically.
const globalForOrphans = globalThis as unknown as { __labOrphans?: Map<string, string[]> };
export function orphansOf(hostId: string): string[] {
  return globalForOrphans.__labOrphans?.get(hostId) ?? [];
}
export function setOrphans(hostId: string, refs: string[]): void {
  globalForOrphans.__labOrphans ??= new Map();
  globalForOrphans.__labOrphans.set(hostId, refs);
}
