import { useEffect, useState } from "react";
import { useEditorStore } from "../state/editorStore";

/** How long a notice stays up (counted while the pointer or the focus is not on it). */
export const NOTICE_MS = 5000;

/**
 * Why the last action was refused (an invalid connection, a second trigger), or what was just
 * done with a way back ("Deleted …", Undo), in a polite live region so screen readers announce
 * it. The region is always present; only its text changes. It stays while hovered or focused.
 */
export function CanvasNotice() {
  const notice = useEditorStore((state) => state.notice);
  const clearNotice = useEditorStore((state) => state.clearNotice);
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!notice || held) return;
    const timer = window.setTimeout(() => clearNotice(notice.id), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice, held, clearNotice]);
  return (
    <div
      className={`canvas-notice${notice ? " visible" : ""}${notice?.action ? " with-action" : ""}`}
      role="status"
      aria-live="polite"
      data-testid="canvas-notice"
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      {notice?.text}
      {notice?.action && (
        <button
          type="button"
          className="notice-action"
          data-testid="canvas-notice-action"
          onClick={() => {
            notice.action?.run();
            setHeld(false);
            clearNotice(notice.id);
          }}
        >
          {notice.action.label}
        </button>
      )}
    </div>
  );
}
