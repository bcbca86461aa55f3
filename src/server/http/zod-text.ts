// Text a person types into one line (names, labels, user names): trimmed, limited, and free of characters that
// are invisible or change what is shown around them — C0/C1 control characters (NUL, ESC, …, DEL) and the Unicode
// bidirectional overrides, embeddings, isolates and marks that can make "txt.exe" look like "exe.txt".
import { z } from "zod";

/** C0 controls, DEL, C1 controls, bidi marks/embeddings/overrides/isolates, line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;

export const CONTROL_MESSAGE =
  "Remove control characters and text-direction marks (they are invisible or disguise the text).";

/** True when the text holds no control or bidi-override characters. */
export function isPlainText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

/** A one-line name: "Enter a name." when empty, "Use at most N characters.", no control or bidi characters. */
export function zName(max: number) {
  return z
    .string({ message: "Enter a name." })
    .trim()
    .min(1, { message: "Enter a name." })
    .max(max, { message: `Use at most ${max} characters.` })
    .refine(isPlainText, { message: CONTROL_MESSAGE });
}

/** Optional one-line text (labels): may be empty, no control or bidi characters. */
export function zLine(max: number) {
  return z
    .string()
    .trim()
    .max(max, { message: `Use at most ${max} characters.` })
    .refine(isPlainText, { message: CONTROL_MESSAGE });
}
