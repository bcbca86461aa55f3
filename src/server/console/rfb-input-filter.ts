// The browser → display RFB stream of a view-only VNC console, followed AS A STREAM: WebSocket frames split and
// join RFB messages freely (noVNC packs several into one frame; a client may send input behind an allowed
// message or before the handshake ends), so looking at the first byte of each frame is not enough. After the
// portal-answered handshake (vnc-auth.ts) the display expects ClientInit (1 byte), then client messages. The
// filter forwards what only asks for pictures (ClientInit, SetPixelFormat, SetEncodings, FramebufferUpdateRequest,
// EnableContinuousUpdates, Fence), drops every input (key, pointer, cut text, QEMU key events and audio, xvp
// power actions, desktop resizes) and stops at any message type it does not know: guessing its length could let
// the bytes behind it through as a message of the attacker's choosing.

/** What one push gave: bytes to send to the display, and a reason to close the console when it must end. */
export type FilterResult = { forward: Buffer; refuse: string | null };

const FORWARD = "forward";
const DROP = "drop";

/** Fixed-size client messages by type: [size, what to do]. */
const FIXED: Record<number, [number, typeof FORWARD | typeof DROP]> = {
  0: [20, FORWARD], // SetPixelFormat
  3: [10, FORWARD], // FramebufferUpdateRequest
  4: [8, DROP], // KeyEvent
  5: [6, DROP], // PointerEvent
  150: [10, FORWARD], // EnableContinuousUpdates
  250: [4, DROP], // xvp (shutdown / reboot / reset)
};

export class RfbInputFilter {
  private buffer: Buffer = Buffer.alloc(0);
  private clientInitDone = false;
  /** Bytes of a dropped message still to come (a long cut text is skipped, never buffered). */
  private skipping = 0;
  private refused: string | null = null;

  /** Feeds bytes from the browser (any split); returns what may reach the display. */
  push(chunk: Buffer): FilterResult {
    if (this.refused) return { forward: Buffer.alloc(0), refuse: this.refused };
    const out: Buffer[] = [];
    let data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.buffer = Buffer.alloc(0);
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, data.length);
        this.skipping -= n;
        data = data.subarray(n);
      }
      if (data.length === 0) break;
      if (!this.clientInitDone) {
        // ClientInit: always shared — a watcher must never ask the display to drop the other viewers
        out.push(Buffer.from([1]));
        this.clientInitDone = true;
        data = data.subarray(1);
        continue;
      }
      const size = this.messageSize(data);
      if (typeof size === "string") {
        this.refused = size;
        break;
      }
      if (size === null) {
        this.buffer = Buffer.from(data); // wait for the rest of the header
        break;
      }
      const { length, forward } = size;
      if (!forward) {
        const n = Math.min(length, data.length);
        this.skipping = length - n;
        data = data.subarray(n);
        continue;
      }
      if (data.length < length) {
        this.buffer = Buffer.from(data);
        break;
      }
      out.push(Buffer.from(data.subarray(0, length)));
      data = data.subarray(length);
    }
    return { forward: out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out), refuse: this.refused };
  }

  /** The whole length of the message at the start of `data`; null when its header is not complete; a string to refuse. */
  private messageSize(data: Buffer): { length: number; forward: boolean } | null | string {
    const type = data[0] as number;
    const fixed = FIXED[type];
    if (fixed) return { length: fixed[0], forward: fixed[1] === FORWARD };
    switch (type) {
      case 2: // SetEncodings: type, padding, u16 count, count × s32
        return data.length < 4 ? null : { length: 4 + 4 * data.readUInt16BE(2), forward: true };
      case 6: {
        // ClientCutText: type, 3 padding, s32 length (negative: extended clipboard, |length| bytes follow)
        if (data.length < 8) return null;
        const n = data.readInt32BE(4);
        return { length: 8 + Math.abs(n), forward: false };
      }
      case 248: {
        // Fence: type, 3 padding, u32 flags, u8 length (≤ 64), payload
        if (data.length < 9) return null;
        const n = data[8] as number;
        return n > 64 ? "The browser sent a malformed fence message." : { length: 9 + n, forward: true };
      }
      case 251: {
        // SetDesktopSize: type, padding, u16 width, u16 height, u8 screens, padding, screens × 16
        if (data.length < 8) return null;
        return { length: 8 + 16 * (data[6] as number), forward: false };
      }
      case 255: {
        // QEMU client message: type, sub-type, …
        if (data.length < 2) return null;
        if (data[1] === 0) return { length: 12, forward: false }; // extended key event
        if (data[1] === 1) {
          // audio: u16 operation; 2 (set format) carries u8 format, u8 channels, u32 frequency
          if (data.length < 4) return null;
          return { length: data.readUInt16BE(2) === 2 ? 10 : 4, forward: false };
        }
        return `A view-only console cannot send QEMU message ${data[1]}.`;
      }
      default:
        return `A view-only console cannot send RFB message type ${type}.`;
    }
  }
}
