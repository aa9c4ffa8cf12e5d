import { useEffect, useState } from "react";

/** Below this width the side panels collapse and the minimap is left out. */
export const COMPACT_WIDTH = 1100;

const QUERY = `(max-width: ${COMPACT_WIDTH - 1}px)`;

function matches(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(QUERY).matches;
}

/** True while the window is narrower than `COMPACT_WIDTH`. */
export function useCompactWindow(): boolean {
  const [compact, setCompact] = useState(matches);
  useEffect(() => {
    if (typeof window.matchMedia !== "function") return;
    const list = window.matchMedia(QUERY);
    const onChange = () => setCompact(list.matches);
    onChange();
    list.addEventListener("change", onChange);
    return () => list.removeEventListener("change", onChange);
  }, []);
  return compact;
}
