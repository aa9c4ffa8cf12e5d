import { useEffect } from "react";
import { useEditorStore } from "../state/editorStore";

/** How long a notice stays up. */
export const NOTICE_MS = 5000;

/**
 * Why the last action was refused (an invalid connection, a second trigger), in a polite live
 * region so screen readers announce it. The region is always present; only its text changes.
 */
export function CanvasNotice() {
  const notice = useEditorStore((state) => state.notice);
  const clearNotice = useEditorStore((state) => state.clearNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => clearNotice(notice.id), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice, clearNotice]);
  return (
    <div className={`canvas-notice${notice ? " visible" : ""}`} role="status" aria-live="polite" data-testid="canvas-notice">
      {notice?.text}
    </div>
  );
}
