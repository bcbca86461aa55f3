"use client";

// Fullscreen for one element (a console's frame): whether it is fullscreen now (also after Escape or the browser's
// own controls), and a toggle that afterwards calls `then` (the consoles give the keyboard back to the screen).
import { type RefObject, useCallback, useEffect, useState } from "react";

export function useFullscreen(ref: RefObject<HTMLElement | null>, then?: () => void) {
  const [fullscreen, setFullscreen] = useState(false);

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === ref.current && ref.current !== null);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, [ref]);

  const toggle = useCallback(async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await ref.current?.requestFullscreen();
    } catch {
      // refused by the browser (e.g. not allowed in this frame): nothing to do
    }
    then?.();
  }, [ref, then]);

  return { fullscreen, toggle };
}
