// The part of spice-html5's API (src/main.js of @spice-project/spice-html5) the console page uses; the package
// ships no types. Each channel is a SpiceConn with its own WebSocket (`ws`); the main one opens the others itself.
declare module "@spice-project/spice-html5" {
  export type SpiceMainConnOptions = {
    /** ws(s) URL of a WebSocket that carries SPICE; every channel connects to this same URL. */
    uri: string;
    /** The id of the element the display's canvas is appended to (looked up with document.getElementById). */
    screen_id?: string;
    message_id?: string;
    password: string;
    /** Errors of the main channel: an Error (protocol, refusal, close) or the WebSocket's error Event. */
    onerror?: (error: Error | Event) => void;
    onagent?: (conn: SpiceMainConn) => void;
    /** Called once the main channel is linked (its SPICE_MSG_MAIN_INIT arrived). */
    onsuccess?: (message: string) => void;
  };

  /** One channel. Without `onerror` (the channels the main one opens have none), its errors are thrown. */
  export type SpiceChannel = { ws?: WebSocket; state: string; onerror?: (error: Error | Event) => void };

  export class SpiceMainConn {
    constructor(options: SpiceMainConnOptions);
    ws: WebSocket | undefined;
    state: string;
    display?: SpiceChannel;
    inputs?: SpiceChannel;
    cursor?: SpiceChannel;
    extra_channels?: (SpiceChannel | undefined)[];
    ports?: SpiceChannel[];
    /** Closes every channel and removes the display's canvas. */
    stop(): void;
    /** Closes this (main) channel's socket only. */
    cleanup(): void;
  }

  /** Sends Ctrl+Alt+Del on the inputs channel of the connection in the global `sc` (window.sc). */
  export function sendCtrlAltDel(): void;
  export function handle_resize(event?: Event): void;
  export function resize_helper(conn: SpiceMainConn): void;
}
