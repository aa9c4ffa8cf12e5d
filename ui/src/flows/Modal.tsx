import { useEffect, useId, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from "react";

/** Tab and Shift+Tab cycle inside a modal dialog. */
export function keepFocusInside(event: ReactKeyboardEvent, container: HTMLElement | null) {
  if (!container) return;
  const focusable = [...container.querySelectorAll<HTMLElement>("button:not(:disabled), input:not(:disabled), select, textarea, [tabindex]:not([tabindex='-1'])")].filter(
    (element) => !(element instanceof HTMLInputElement && element.type === "radio" && !element.checked),
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal dialog over the window: a title, a close button, Escape and a click outside close it,
 * Tab stays inside, keys pressed in it are not canvas shortcuts. Focus starts on the element
 * marked `data-autofocus`, else on the first button of the body.
 */
export function Modal({ title, onClose, children, testId, className = "" }: { title: string; onClose: () => void; children: ReactNode; testId: string; className?: string }) {
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = dialog.current;
    (root?.querySelector<HTMLElement>("[data-autofocus]") ?? root?.querySelector<HTMLElement>(".modal-body button, .modal-body input"))?.focus();
  }, []);
  return (
    <div
      className="overlay-backdrop"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === "Escape") onClose();
        if (event.key === "Tab") keepFocusInside(event, dialog.current);
      }}
    >
      <div ref={dialog} className={`overlay ${className}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <div className="overlay-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </div>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}
