// Every request and WebSocket upgrade authenticated by an API token is audited as "token.use", without making
// the request wait and without flooding the audit trail:
// - the first use of a token after a quiet minute is written at once (details: method, path, count 1);
// - further uses in the next 60 s are counted in memory and written as ONE event when the minute is up
//   (details: method and path of the first of them, count, and the distinct requests with their counts).
// So each token makes at most one token.use event per minute (per portal instance), and a token used once is
// visible in the trail immediately. The token's lastUsedAt / lastUsedIp are written with the same events, so the
// "last used" a person sees is at most a minute old. Nothing here ever throws into the request: write errors are
// logged and dropped. On shutdown flushTokenUse() writes what is still counted.
import { recordAudit } from "@/server/audit/record";
import { db } from "@/server/db/client";
import { logger } from "@/server/log";

export const TOKEN_USE_WINDOW_MS = 60_000;
/** Distinct "METHOD path" entries kept per window (the count still counts every request). */
const MAX_DISTINCT = 20;

export type TokenUse = {
  tokenId: string;
  tokenName: string;
  actor: { id: string; email: string };
  ip: string | null;
  method: string;
  path: string;
};

export type TokenUseEvent = {
  tokenId: string;
  tokenName: string;
  actor: { id: string; email: string };
  ip: string | null;
  /** Time of the last use the event covers. */
  at: Date;
  details: {
    method: string;
    path: string;
    count: number;
    from?: string;
    to?: string;
    requests?: Record<string, number>;
  };
};

type Pending = {
  first: TokenUse;
  last: TokenUse;
  count: number;
  firstAt: number;
  lastAt: number;
  requests: Map<string, number>;
};
type Entry = { lastEmitAt: number; pending: Pending | null; timer: NodeJS.Timeout | null };

export class TokenUseCoalescer {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sink: (event: TokenUseEvent) => Promise<void>,
    private readonly windowMs = TOKEN_USE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  record(use: TokenUse): void {
    const now = this.now();
    const entry = this.entries.get(use.tokenId);
    if (!entry || (!entry.pending && now - entry.lastEmitAt >= this.windowMs)) {
      this.entries.set(use.tokenId, { lastEmitAt: now, pending: null, timer: null });
      this.emit({ ...use, at: new Date(now), details: { method: use.method, path: use.path, count: 1 } });
      this.sweep(now);
      return;
    }
    const key = `${use.method} ${use.path}`;
    if (!entry.pending)
      entry.pending = { first: use, last: use, count: 0, firstAt: now, lastAt: now, requests: new Map() };
    const p = entry.pending;
    p.count++;
    p.last = use;
    p.lastAt = now;
    if (p.requests.has(key) || p.requests.size < MAX_DISTINCT) p.requests.set(key, (p.requests.get(key) ?? 0) + 1);
    if (!entry.timer) {
      entry.timer = setTimeout(() => this.flushOne(use.tokenId), Math.max(0, entry.lastEmitAt + this.windowMs - now));
      entry.timer.unref?.();
    }
  }

  /** Writes everything still counted (shutdown) and waits for the writes. */
  async flush(): Promise<void> {
    for (const id of [...this.entries.keys()]) this.flushOne(id);
    await Promise.all([...this.inFlight]);
  }

  /** Tokens with uses counted but not yet written (for tests). */
  pendingCount(tokenId: string): number {
    return this.entries.get(tokenId)?.pending?.count ?? 0;
  }

  private flushOne(tokenId: string): void {
    const entry = this.entries.get(tokenId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    const p = entry.pending;
    if (!p) return;
    entry.pending = null;
    entry.lastEmitAt = this.now();
    this.emit({
      tokenId,
      tokenName: p.last.tokenName,
      actor: p.last.actor,
      ip: p.last.ip,
      at: new Date(p.lastAt),
      details: {
        method: p.first.method,
        path: p.first.path,
        count: p.count,
        from: new Date(p.firstAt).toISOString(),
        to: new Date(p.lastAt).toISOString(),
        requests: Object.fromEntries(p.requests),
      },
    });
  }

  private emit(event: TokenUseEvent): void {
    let write: Promise<void>;
    try {
      write = this.sink(event);
    } catch (error) {
      write = Promise.reject(error);
    }
    const tracked = write
      .catch((error) => logger().error({ err: error, tokenId: event.tokenId }, "[tokens] could not record a token use"))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Forgets quiet tokens now and then so the map stays the size of the tokens in use. */
  private sweep(now: number): void {
    if (this.entries.size < 1000) return;
    for (const [id, e] of this.entries) if (!e.pending && now - e.lastEmitAt >= this.windowMs) this.entries.delete(id);
  }
}

async function writeTokenUse(event: TokenUseEvent): Promise<void> {
  await Promise.all([
    recordAudit({
      actor: event.actor,
      action: "token.use",
      target: { type: "token", id: event.tokenId, name: event.tokenName },
      ip: event.ip,
      details: event.details,
    }),
    // the token may have been deleted with its owner meanwhile: nothing to update then
    db()
      .apiToken.updateMany({ where: { id: event.tokenId }, data: { lastUsedAt: event.at, lastUsedIp: event.ip } })
      .then(() => undefined),
  ]);
}

// one coalescer per process, shared by Next's module graph and server.ts (WebSocket upgrades)
const globalForUsage = globalThis as unknown as { __labTokenUse?: TokenUseCoalescer };

function coalescer(): TokenUseCoalescer {
  globalForUsage.__labTokenUse ??= new TokenUseCoalescer(writeTokenUse);
  return globalForUsage.__labTokenUse;
}

/** Notes one use of a token; returns at once and never throws. */
export function noteTokenUse(use: TokenUse): void {
  try {
    coalescer().record(use);
  } catch (error) {
    logger().error({ err: error }, "[tokens] could not note a token use");
  }
}

/** Writes the uses still being counted; the portal calls this when it stops. */
export function flushTokenUse(): Promise<void> {
  return coalescer().flush();
}
