// The part of noVNC's RFB API (docs/API.md of @novnc/novnc) the console page uses; the package ships no types.
declare module "@novnc/novnc" {
  export type RfbOptions = {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    wsProtocols?: string[];
  };

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    background: string;
    clipViewport: boolean;
    focusOnClick: boolean;
    qualityLevel: number;
    compressionLevel: number;
    resizeSession: boolean;
    scaleViewport: boolean;
    showDotCursor: boolean;
    viewOnly: boolean;
    readonly capabilities: { power?: boolean };
    disconnect(): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    sendCtrlAltDel(): void;
    /** Without `down`: a press and a release. `code` is the KeyboardEvent.code (QEMU uses it as the scancode). */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    clipboardPasteFrom(text: string): void;
    getImageData(): ImageData;
  }
}
