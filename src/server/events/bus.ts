// In-process publish/subscribe for live updates (machine state, job progress, …). The /ws/events socket
// forwards the events a user may see. One bus per process, on globalThis so Next's module graph and server.ts
// share it. On PostgreSQL, cluster/relay.ts sends every event to the other portal instances and emits theirs here.
import { EventEmitter } from "node:events";

export type PortalEvent = {
  type: string;
  /** Who may receive it: specific users, a role, or everyone signed in. */
  audience: { userIds?: string[]; roles?: string[]; everyone?: boolean };
  data: unknown;
  /** Set on an event another instance published (cluster/relay.ts): listeners that would repeat that instance's work skip it. */
  relayed?: boolean;
};

const globalForBus = globalThis as unknown as { __labBus?: EventEmitter };

export function bus(): EventEmitter {
  if (!globalForBus.__labBus) {
    globalForBus.__labBus = new EventEmitter();
    globalForBus.__labBus.setMaxListeners(0);
  }
  return globalForBus.__labBus;
}

export function publish(event: PortalEvent): void {
  bus().emit("event", event);
}

export function canReceive(event: PortalEvent, user: { id: string; role: string }): boolean {
  const { userIds, roles, everyone } = event.audience;
  return Boolean(everyone || userIds?.includes(user.id) || roles?.includes(user.role));
}
