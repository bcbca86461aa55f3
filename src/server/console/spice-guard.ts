// A guard for SPICE display channels. QEMU 7.2's libspice-server (Debian 12) segfaults in its display worker
// when a display channel's connection closes after the link but before the client's DISPLAY_INIT message, and
// the guest goes down with it — any browser (closing a tab at the wrong moment, or on purpose) could kill a
// running machine. The bridge watches what the browser sends on a display channel; if the browser leaves before
// DISPLAY_INIT, it sends one for it and lets the display close the channel the ordinary way.
//
// Messages after the link: with the mini header (both sides offered SPICE_COMMON_CAP_MINI_HEADER) a u16 type and
// a u32 size; otherwise the full header: u64 serial, u16 type, u32 size, u32 sub-list.

export const SPICE_CHANNEL_DISPLAY = 2;
const MSGC_DISPLAY_INIT = 101;
const COMMON_CAP_MINI_HEADER = 3;

/** Common capability words of a SpiceLinkMess (client) or SpiceLinkReply (server) body. */
export function commonCaps(body: Buffer, side: "client" | "server"): number[] {
  // client: connection_id u32, type u8, id u8, then counts; server: error u32, pub_key[162], then counts
  const at = side === "client" ? 6 : 166;
  if (body.length < at + 12) return [];
  const count = body.readUInt32LE(at);
  const offset = body.readUInt32LE(at + 8);
  const words: number[] = [];
  for (let i = 0; i < Math.min(count, 16) && offset + 4 * (i + 1) <= body.length; i++)
    words.push(body.readUInt32LE(offset + 4 * i));
  return words;
}

export function miniHeaderAgreed(clientCaps: number[], serverCaps: number[]): boolean {
  const has = (words: number[]) => Boolean(((words[0] ?? 0) >>> COMMON_CAP_MINI_HEADER) & 1);
  return has(clientCaps) && has(serverCaps);
}

/** Follows the browser's messages on one display channel. */
export class DisplayInitWatch {
  private head = Buffer.alloc(0);
  private remaining = 0;
  private messages = 0;
  private initSeen = false;
  constructor(private readonly mini: boolean) {}

  private get headerBytes(): number {
    return this.mini ? 6 : 18;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.initSeen) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
        continue;
      }
      const need = this.headerBytes - this.head.length;
      const part = chunk.subarray(at, at + need);
      this.head = this.head.length ? Buffer.concat([this.head, part]) : Buffer.from(part);
      at += part.length;
      if (this.head.length < this.headerBytes) return;
      const type = this.head.readUInt16LE(this.mini ? 0 : 8);
      this.remaining = this.head.readUInt32LE(this.mini ? 2 : 10);
      this.head = Buffer.alloc(0);
      this.messages++;
      if (type === MSGC_DISPLAY_INIT) this.initSeen = true;
    }
  }

  /** DISPLAY_INIT to send for a browser that left before sending it; null when it was sent or a message is cut. */
  lastWords(): Buffer | null {
    if (this.initSeen || this.remaining > 0 || this.head.length > 0) return null;
    // SpiceMsgcDisplayInit: pixmap_cache_id u8, pixmap_cache_size i64, glz_dictionary_id u8, glz_window_size i32
    // (spice-html5's values)
    const body = Buffer.alloc(14);
    body.writeUInt8(1, 0);
    body.writeBigInt64LE(BigInt(10 * 1024 * 1024), 1);
    body.writeUInt8(0, 9);
    body.writeInt32LE(1024 * 1024, 10);
    const header = Buffer.alloc(this.headerBytes);
    if (this.mini) {
      header.writeUInt16LE(MSGC_DISPLAY_INIT, 0);
      header.writeUInt32LE(body.length, 2);
    } else {
      header.writeBigUInt64LE(BigInt(this.messages + 1), 0);
      header.writeUInt16LE(MSGC_DISPLAY_INIT, 8);
      header.writeUInt32LE(body.length, 10);
      header.writeUInt32LE(0, 14);
    }
    return Buffer.concat([header, body]);
  }
}
