// Coordinates: live events between portal instances.
// Live updates across portal instances on PostgreSQL: every event published here is also sent with NOTIFY on
// one channel, and events other instances sent arrive with LISTEN and are emitted on this instance's bus marked
// `relayed` (so a browser connected to any instance sees every change, and a machine stopped through one
// instance ends its consoles on all). One dedicated connection per instance; it reconnects with backoff, and
// events published while it is down reach this instance's browsers only (pages catch up at their next fetch).
// NOTIFY payloads are limited to 8000 bytes, so an event is sent as base64 parts of PART_CHARS and put together
// again on arrival. SQLite is the one-instance database: there the bus stays in-process.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { env, isPostgres } from "@/env";
import { instanceId } from "@/server/cluster/instance";
import { bus, type PortalEvent } from "@/server/events/bus";
import { logger } from "@/server/log";

export const RELAY_CHANNEL = "lab_portal_events";
const PART_CHARS = 7000;
const INCOMPLETE_TTL_MS = 30_000;

/** One NOTIFY payload: origin instance, message id, part index and count, base64 slice of the event's JSON. */
type Part = { o: string; id: string; i: number; n: number; d: string };
/** Messages of several parts still being put together, by origin and message id. */
export type PendingParts = Map<string, { parts: string[]; got: number; at: number }>;

/** An event as NOTIFY payloads (pure, for tests). */
export function encodeEvent(event: PortalEvent, origin: string, id = randomBytes(6).toString("hex")): string[] {
  const { relayed: _relayed, ...plain } = event;
  const data = Buffer.from(JSON.stringify(plain)).toString("base64");
  const n = Math.max(1, Math.ceil(data.length / PART_CHARS));
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ o: origin, id, i, n, d: data.slice(i * PART_CHARS, (i + 1) * PART_CHARS) } satisfies Part),
  );
}

/** Puts parts back together: returns the event when `payload` completes one, else null (pure apart from `pending`). */
export function decodePart(
  payload: string,
  pending: PendingParts,
  now = Date.now(),
): { origin: string; event: PortalEvent } | null {
  const p = JSON.parse(payload) as Part;
  if (
    typeof p.o !== "string" ||
    typeof p.id !== "string" ||
    !Number.isInteger(p.i) ||
    !Number.isInteger(p.n) ||
    p.n < 1 ||
    p.i < 0 ||
    p.i >= p.n ||
    typeof p.d !== "string"
  )
    return null;
  for (const [key, entry] of pending) if (now - entry.at > INCOMPLETE_TTL_MS) pending.delete(key);
  let data = p.d;
  if (p.n > 1) {
    const key = `${p.o}:${p.id}`;
    const entry = pending.get(key) ?? { parts: new Array<string>(p.n).fill(""), got: 0, at: now };
    if (!entry.parts[p.i]) entry.got++;
    entry.parts[p.i] = p.d;
    pending.set(key, entry);
    if (entry.got < p.n) return null;
    pending.delete(key);
    data = entry.parts.join("");
  }
  const event = JSON.parse(Buffer.from(data, "base64").toString("utf8")) as PortalEvent;
  return { origin: p.o, event };
}

type Relay = {
  client: pg.Client | null;
  stopped: boolean;
  retry: NodeJS.Timeout | null;
  failures: number;
  pending: PendingParts;
  onBus: (e: PortalEvent) => void;
};
const globalForRelay = globalThis as unknown as { __labRelay?: Relay };

/** Starts the relay when the database is PostgreSQL; resolves once it listens (or has logged why not). */
export async function startEventRelay(log: (line: string) => void = () => {}): Promise<void> {
  if (globalForRelay.__labRelay || !isPostgres()) return;
  const r: Relay = {
    client: null,
    stopped: false,
    retry: null,
    failures: 0,
    pending: new Map(),
    onBus: (event) => {
      if (event.relayed || !r.client) return;
      const client = r.client;
      for (const part of encodeEvent(event, instanceId())) {
        client
          .query("SELECT pg_notify($1, $2)", [RELAY_CHANNEL, part])
          .catch((error) => logger().warn({ err: error, event: event.type }, "[events] could not relay an event"));
      }
    },
  };
  globalForRelay.__labRelay = r;
  bus().on("event", r.onBus);

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: env().DATABASE_URL });
    const again = () => {
      if (r.client === client) r.client = null;
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (r.stopped || r.retry) return;
      const wait = Math.min(30_000, 500 * 2 ** Math.min(r.failures++, 6));
      r.retry = setTimeout(() => {
        r.retry = null;
        void connect();
      }, wait);
      r.retry.unref();
    };
    client.on("error", (error) => {
      logger().warn({ err: error }, "[events] relay connection lost");
      again();
    });
    client.on("end", again);
    client.on("notification", (msg) => {
      if (msg.channel !== RELAY_CHANNEL || !msg.payload) return;
      try {
        const got = decodePart(msg.payload, r.pending);
        if (got && got.origin !== instanceId()) bus().emit("event", { ...got.event, relayed: true });
      } catch (error) {
        logger().warn({ err: error }, "[events] ignored a relayed message");
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${RELAY_CHANNEL}`);
      if (r.stopped) {
        await client.end();
        return;
      }
      r.client = client;
      if (r.failures) log("✓ events: relay to other instances reconnected");
      r.failures = 0;
    } catch (error) {
      logger().warn({ err: error }, "[events] relay could not connect");
      again();
    }
  };
  await connect();
  if (r.client) log("✓ events: relayed to other instances through PostgreSQL LISTEN/NOTIFY");
}

export async function stopEventRelay(): Promise<void> {
  const r = globalForRelay.__labRelay;
  if (!r) return;
  globalForRelay.__labRelay = undefined;
  r.stopped = true;
  if (r.retry) clearTimeout(r.retry);
  bus().off("event", r.onBus);
  const client = r.client;
  r.client = null;
  client?.removeAllListeners();
  await client?.end().catch(() => undefined);
}
