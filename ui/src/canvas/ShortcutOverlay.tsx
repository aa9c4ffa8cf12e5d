import { useEffect, useRef } from "react";
import { useEditorStore } from "../state/editorStore";
import { displayKeys, SHORTCUTS } from "./shortcuts";

/** The keyboard-shortcut list, opened with "?" or the toolbar button; Escape closes it. */
export function ShortcutOverlay() {
  const open = useEditorStore((state) => state.shortcutsOpen);
  const setOpen = useEditorStore((state) => state.setShortcutsOpen);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => before?.focus();
  }, [open]);

  if (!open) return null;
  return (
    <div className="overlay-backdrop" onClick={() => setOpen(false)}>
      <div
        className="overlay"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-overlay-title"
        data-testid="shortcut-overlay"
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          // The dialog is modal and its only control is Close: Tab stays on it.
          if (event.key === "Tab") {
            event.preventDefault();
            closeButton.current?.focus();
          }
        }}
      >
        <div className="overlay-header">
          <h2 id="shortcut-overlay-title">Keyboard shortcuts</h2>
          <button ref={closeButton} type="button" className="tool-button" aria-label="Close the shortcut list" data-testid="shortcut-overlay-close" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
        <dl className="shortcut-list">
          {SHORTCUTS.map((shortcut) => (
            <div className="shortcut-row" key={shortcut.action}>
              <dt>
                {shortcut.keys.map((keys, index) => (
                  <span key={keys}>
                    {index > 0 && <span className="shortcut-or"> or </span>}
                    <kbd>{displayKeys(keys)}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{shortcut.action}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
