// What the portal needs to reach a host, from its row: the one thing providers are given (providers/types.ts).
import type { Host } from "@/generated/sqlite/client";
import type { HostTarget } from "@/server/providers/types";

export function hostTarget(
  h: Pick<
    Host,
    "id" | "name" | "kind" | "uri" | "virtType" | "storagePool" | "consoleAddress" | "publishAddress" | "tlsDir"
  >,
): HostTarget {
  return {
    id: h.id,
    name: h.name,
    kind: h.kind,
    uri: h.uri,
    virtType: h.virtType,
    storagePool: h.storagePool,
    consoleAddress: h.consoleAddress,
    publishAddress: h.publishAddress,
    tlsDir: h.tlsDir,
  };
}
