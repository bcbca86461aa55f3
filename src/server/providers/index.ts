// providerFor(host): the one place that picks an implementation by host kind. Instances are kept per host
// (and its settings) on globalThis so pool paths and network checks are cached across requests.
import { DockerProvider } from "./docker/provider";
import { LibvirtProvider } from "./libvirt/provider";
import type { HostTarget, MachineProvider } from "./types";

const globalForProviders = globalThis as unknown as { __labProviders?: Map<string, MachineProvider> };

export function providerFor(host: HostTarget): MachineProvider {
  globalForProviders.__labProviders ??= new Map();
  const cache = globalForProviders.__labProviders;
  const key = JSON.stringify([
    host.id,
    host.kind,
    host.uri,
    host.virtType,
    host.storagePool,
    host.consoleAddress,
    host.publishAddress,
    host.tlsDir,
  ]);
  let provider = cache.get(key);
  if (!provider) {
    provider = host.kind === "LIBVIRT" ? new LibvirtProvider(host) : new DockerProvider(host);
    cache.set(key, provider);
  }
  return provider;
}

export function forgetProvider(hostId: string): void {
  const cache = globalForProviders.__labProviders;
  if (!cache) return;
  for (const key of cache.keys()) if (key.startsWith(`["${hostId}"`)) cache.delete(key);
}
