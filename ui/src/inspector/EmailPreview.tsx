import { useEffect, useRef, useState } from "react";
import { errorText, ipc, type EmailPreview, type Flow } from "../ipc/client";
import { useEditorStore } from "../state/editorStore";
import "./emailPreview.css";

/** How long after the last edit the preview renders again. */
export const PREVIEW_DEBOUNCE_MS = 400;

type PreviewState = { preview: EmailPreview | null; error: string | null; loading: boolean };

/** Whether the preview is open; kept while the selection moves between Send Email steps. */
let rememberedOpen = false;

/** Closes the preview for the next Send Email step shown (tests). */
export function resetEmailPreview(): void {
  rememberedOpen = false;
}

/**
 * A Send Email step's message as it would be sent: to, cc, subject and the body (HTML in a
 * sandboxed frame without scripts, text as is), rendered by Rust against the flow's last run or a
 * sample alert, with the template errors. Renders again PREVIEW_DEBOUNCE_MS after each edit.
 */
export function EmailPreviewPanel({ nodeId, flow }: { nodeId: string; flow: () => Flow }) {
  const [open, setOpenState] = useState(rememberedOpen);
  const setOpen = (value: boolean) => {
    rememberedOpen = value;
    setOpenState(value);
  };
  const doc = useEditorStore((state) => state.doc);
  const [state, setState] = useState<PreviewState>({ preview: null, error: null, loading: false });
  const request = useRef(0);
  const rendered = useRef(false);

  useEffect(() => {
    if (!open) {
      rendered.current = false;
      return;
    }
    const render = () => {
      const id = ++request.current;
      setState((current) => ({ ...current, loading: true }));
      ipc
        .previewEmail(flow(), nodeId)
        .then((preview) => id === request.current && setState({ preview, error: null, loading: false }))
        .catch((error: unknown) => id === request.current && setState({ preview: null, error: errorText(error), loading: false }));
    };
    // Opening renders at once; edits wait until typing pauses.
    if (!rendered.current) {
      rendered.current = true;
      render();
      return;
    }
    const timer = window.setTimeout(render, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [open, doc, nodeId, flow]);

  const { preview, error, loading } = state;
  const bodyId = `email-preview-${nodeId}`;
  return (
    <section className="email-preview" aria-label="Email preview" data-testid="email-preview">
      <div className="email-preview-header">
        <h3 className="email-preview-title">Preview</h3>
        {open && loading && (
          <span className="field-help" role="status">
            Rendering…
          </span>
        )}
        <button type="button" className="picker-toggle" aria-expanded={open} aria-controls={open ? bodyId : undefined} data-testid="email-preview-toggle" onClick={() => setOpen(!open)}>
          {open ? "Hide preview" : "Preview email"}
        </button>
      </div>
      {open && (
        <div id={bodyId} className="email-preview-body">
          {error && (
            <p className="field-problem" role="alert" data-testid="email-preview-error">
              The preview could not be rendered: {error}
            </p>
          )}
          {preview && (
            <>
              <p className="field-help" data-testid="email-preview-source">
                Rendered against {preview.source}.
              </p>
              {preview.errors.length > 0 && (
                <ul className="email-preview-errors" aria-label="Template problems" data-testid="email-preview-errors">
                  {preview.errors.map((problem, index) => (
                    <li key={index} className="field-problem">
                      {problem}
                    </li>
                  ))}
                </ul>
              )}
              <dl className="email-preview-headers">
                <dt>To</dt>
                <dd data-testid="email-preview-to">{preview.to || "—"}</dd>
                {preview.cc && (
                  <>
                    <dt>Cc</dt>
                    <dd data-testid="email-preview-cc">{preview.cc}</dd>
                  </>
                )}
                <dt>Subject</dt>
                <dd data-testid="email-preview-subject">{preview.subject || "(no subject)"}</dd>
              </dl>
              {preview.html ? (
                <iframe className="email-preview-frame" title="Email body (HTML)" sandbox="" srcDoc={preview.body} data-testid="email-preview-html" />
              ) : (
                <pre className="email-preview-text" tabIndex={0} aria-label="Email body" data-testid="email-preview-text">
                  {preview.body}
                </pre>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
