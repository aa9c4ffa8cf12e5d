import { useEffect, useId, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { errorText, ipc, type Flow, type TemplateInfo } from "../ipc/client";
import { useEditorStore } from "../state/editorStore";
import { useFlowSession } from "../state/flowSession";
import { findKindSpec, useKindsStore } from "../state/kindsStore";
import { useGalleryStore } from "./galleryStore";
import "./gallery.css";

/** What a template does, step by step, from its document: the trigger, then each step's title. */
export function templateSteps(flow: Flow): { title: string; changesTenant: boolean }[] {
  const steps = flow.steps.map((step) => ({ title: step.title || step.kind, changesTenant: findKindSpec(step.kind)?.changesTenant ?? false }));
  return flow.trigger ? [{ title: flow.trigger.title || flow.trigger.kind, changesTenant: false }, ...steps] : steps;
}

/**
 * Creates a flow from a template (or a blank one) and opens it. A template's flow starts as a
 * draft with "dry run only" on: nothing it does reaches the tenant until the user says so.
 */
export async function openFromTemplate(template: string | null): Promise<Flow | null> {
  const session = useFlowSession.getState();
  const flow = await session.create(template, "");
  if (!flow) return null;
  if (template) {
    try {
      await ipc.setFlowDryRunOnly(flow.id, true);
    } catch (error) {
      useFlowSession.setState({ error: `“${flow.name}” was created, but dry run only could not be switched on: ${errorText(error)}` });
    }
    await useFlowSession.getState().refresh();
  }
  return flow;
}

function TemplateCard({ template, onChosen }: { template: TemplateInfo; onChosen: () => void }) {
  const [flow, setFlow] = useState<Flow | null>(null);
  const [busy, setBusy] = useState(false);
  useKindsStore((state) => state.kinds);
  useEffect(() => {
    let cancelled = false;
    ipc
      .getTemplate(template.name)
      .then((value) => !cancelled && setFlow(value))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [template.name]);
  const steps = flow ? templateSteps(flow) : [];
  const changes = steps.filter((step) => step.changesTenant);
  const headingId = useId();
  return (
    <li className="gallery-card" aria-labelledby={headingId} data-testid={`gallery-template-${template.name}`}>
      <h3 id={headingId} className="gallery-card-title">
        {template.title}
      </h3>
      <p className="gallery-card-description">{template.description}</p>
      {steps.length > 0 && (
        <ol className="gallery-steps" aria-label={`Steps of ${template.title}`}>
          {steps.map((step, index) => (
            <li key={index} className={step.changesTenant ? "changes-tenant" : undefined}>
              {step.title}
              {step.changesTenant && <span className="gallery-shield" aria-label="changes the tenant" role="img"> ⚠</span>}
            </li>
          ))}
        </ol>
      )}
      <p className="gallery-card-note">
        {changes.length > 0
          ? `Changes the tenant (${changes.map((step) => step.title).join(", ")}): opens in dry run only, so nothing is sent until you switch that off.`
          : "Opens as a draft in dry run only."}
      </p>
      <button
        type="button"
        className="primary-button gallery-use"
        data-testid={`gallery-use-${template.name}`}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void openFromTemplate(template.name).then((created) => {
            setBusy(false);
            if (created) onChosen();
          });
        }}
      >
        {busy ? "Creating…" : "Use this template"}
      </button>
    </li>
  );
}

/** The templates, each with its full description and its steps, and a blank flow. */
export function TemplateList({ onChosen }: { onChosen: () => void }) {
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void useKindsStore.getState().load();
    ipc
      .listTemplates()
      .then((list) => !cancelled && setTemplates(list))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <>
      {templates === null && !error && <p className="gallery-note">Loading templates…</p>}
      {error && (
        <p className="gallery-note status-error" role="alert">
          The templates could not be listed: {error}
        </p>
      )}
      <ul className="gallery-grid">
        {templates?.map((template) => <TemplateCard key={template.name} template={template} onChosen={onChosen} />)}
        <li className="gallery-card gallery-blank" data-testid="gallery-template-blank">
          <h3 className="gallery-card-title">Blank flow</h3>
          <p className="gallery-card-description">Start from a manual trigger and add steps from the palette.</p>
          <button
            type="button"
            className="plain-button gallery-use"
            data-testid="gallery-blank"
            onClick={() => void openFromTemplate(null).then((created) => created && onChosen())}
          >
            Start blank
          </button>
        </li>
      </ul>
    </>
  );
}

function GalleryIntro({ titleId }: { titleId: string }) {
  const startTour = useGalleryStore((state) => state.startTour);
  return (
    <div className="gallery-intro">
      <h2 id={titleId}>Start from a template</h2>
      <p>
        Flowguard automates your response to Microsoft Defender for Endpoint: when an alert arrives, a flow reads it, decides, isolates the machine
        and emails the SOC, and every run is recorded step by step. Pick a template to see one, or start blank.
      </p>
      <p className="gallery-safety">
        A new flow is a <strong>draft</strong> in <strong>dry run only</strong>: it runs when you click Run now, records what it would do and sends
        nothing. It runs by itself only once you publish it and switch it on.{" "}
        <button type="button" className="link-button" data-testid="gallery-tour" onClick={startTour}>
          Take the tour
        </button>
      </p>
    </div>
  );
}

/** The gallery over the canvas when there is no flow (a first start). */
export function FirstStartGallery() {
  const titleId = useId();
  const [canvas, setCanvas] = useState<HTMLElement | null>(null);
  useEffect(() => {
    setCanvas(document.querySelector<HTMLElement>('[data-testid="canvas"]'));
    // The flow opened from here was laid out under the gallery: fit it again once it is gone.
    return () => useEditorStore.setState((state) => ({ loadCount: state.loadCount + 1 }));
  }, []);
  const view = (
    <section className="gallery gallery-first-start" aria-labelledby={titleId} data-testid="gallery">
      <GalleryIntro titleId={titleId} />
      <TemplateList onChosen={() => undefined} />
    </section>
  );
  // Over the canvas (drawn once it is found, so the list is not fetched twice).
  return canvas ? createPortal(view, canvas) : null;
}

/** The gallery as a dialog (Help → Templates, or the New menu). */
export function GalleryDialog() {
  const open = useGalleryStore((state) => state.galleryOpen);
  const close = useGalleryStore((state) => state.closeGallery);
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>("button")?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div
      className="overlay-backdrop"
      onMouseDown={(event) => event.target === event.currentTarget && close()}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === "Escape") close();
      }}
    >
      <div ref={dialog} className="overlay gallery gallery-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="gallery-dialog">
        <div className="overlay-header">
          <span />
          <button type="button" className="icon-button" aria-label="Close" onClick={close}>
            ✕
          </button>
        </div>
        <GalleryIntro titleId={titleId} />
        <TemplateList onChosen={close} />
      </div>
    </div>
  );
}
