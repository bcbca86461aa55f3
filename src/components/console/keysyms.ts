// Keysyms (X11 keysymdef.h) and KeyboardEvent codes for typing text into a VNC display. The code is sent along so
// servers with QEMU's extended key events (which use scancodes, not keysyms) type the right key; characters that
// need Shift on a US layout get a real Shift press around them.

export type Key = { keysym: number; code: string | null };
export type Stroke = Key & { shift: boolean };

export const KEY = {
  ctrl: { keysym: 0xffe3, code: "ControlLeft" },
  alt: { keysym: 0xffe9, code: "AltLeft" },
  shift: { keysym: 0xffe1, code: "ShiftLeft" },
  enter: { keysym: 0xff0d, code: "Enter" },
  tab: { keysym: 0xff09, code: "Tab" },
  f1: { keysym: 0xffbe, code: "F1" },
  f2: { keysym: 0xffbf, code: "F2" },
  c: { keysym: 0x63, code: "KeyC" },
} as const satisfies Record<string, Key>;

const PLAIN: Record<string, string> = {
  " ": "Space",
  "-": "Minus",
  "=": "Equal",
  "[": "BracketLeft",
  "]": "BracketRight",
  "\\": "Backslash",
  ";": "Semicolon",
  "'": "Quote",
  ",": "Comma",
  ".": "Period",
  "/": "Slash",
  "`": "Backquote",
};

const SHIFTED: Record<string, string> = {
  _: "Minus",
  "+": "Equal",
  "{": "BracketLeft",
  "}": "BracketRight",
  "|": "Backslash",
  ":": "Semicolon",
  '"': "Quote",
  "<": "Comma",
  ">": "Period",
  "?": "Slash",
  "~": "Backquote",
  "!": "Digit1",
  "@": "Digit2",
  "#": "Digit3",
  $: "Digit4",
  "%": "Digit5",
  "^": "Digit6",
  "&": "Digit7",
  "*": "Digit8",
  "(": "Digit9",
  ")": "Digit0",
};

/** The key press that types one character (a code point), or null for characters that are skipped (\r). */
export function strokeFor(ch: string): Stroke | null {
  if (ch === "\n") return { ...KEY.enter, shift: false };
  if (ch === "\t") return { ...KEY.tab, shift: false };
  if (ch === "\r") return null;
  const cp = ch.codePointAt(0);
  if (cp === undefined || cp < 0x20 || cp === 0x7f) return null;
  if (ch >= "a" && ch <= "z") return { keysym: cp, code: `Key${ch.toUpperCase()}`, shift: false };
  if (ch >= "A" && ch <= "Z") return { keysym: cp, code: `Key${ch}`, shift: true };
  if (ch >= "0" && ch <= "9") return { keysym: cp, code: `Digit${ch}`, shift: false };
  const plain = PLAIN[ch];
  if (plain) return { keysym: cp, code: plain, shift: false };
  const shifted = SHIFTED[ch];
  if (shifted) return { keysym: cp, code: shifted, shift: true };
  // anything else: its keysym alone (Latin-1 keysyms equal the code point; others are 0x01000000 + code point)
  return { keysym: cp <= 0xff ? cp : 0x01000000 + cp, code: null, shift: false };
}

/** The strokes for a text, one per character (\r\n counts as one Return). */
export function strokesFor(text: string): Stroke[] {
  const out: Stroke[] = [];
  for (const ch of text.replace(/\r\n?/g, "\n")) {
    const s = strokeFor(ch);
    if (s) out.push(s);
  }
  return out;
}
