// Helpers the service tests (tests/services) share: host targets on this machine's dockerd and libvirtd,
// polling until something holds, and a provider's event watch kept in arrays.
import type { HostTarget, MachineProvider, ProviderEvent } from "../../src/server/providers/types";
import { DOCKER_SOCKET, LIBVIRT_URI } from "./assets";

/** This machine's dockerd as a portal host, named `id`. */
export function dockerHost(id: string): HostTarget {
  return {
    id,
    name: id,
    kind: "DOCKER",
    uri: `unix://${DOCKER_SOCKET}`,
    virtType: "",
    storagePool: "",
    consoleAddress: "127.0.0.1",
    publishAddress: "127.0.0.1",
    tlsDir: null,
  };
}

/** This machine's libvirtd as a portal host, named `id`, keeping its disks in `storagePool`. */
export function libvirtHost(id: string, storagePool: string, virtType: string): HostTarget {
  return {
    id,
    name: id,
    kind: "LIBVIRT",
    uri: LIBVIRT_URI,
    virtType,
    storagePool,
    consoleAddress: "127.0.0.1",
    publishAddress: "127.0.0.1",
    tlsDir: null,
  };
}

/** Calls fn every intervalMs until it answers something truthy, and returns that; throws after timeoutMs. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The provider's events and watch errors, collected between start() and stop(). */
export function providerWatch(provider: Pick<MachineProvider, "watch">) {
  const events: ProviderEvent[] = [];
  const errors: Error[] = [];
  let watcher: { close(): void } | null = null;
  return {
    events,
    errors,
    start() {
      watcher = provider.watch(
        (event) => events.push(event),
        (error) => errors.push(error),
      );
    },
    stop() {
      watcher?.close();
    },
  };
}
