import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { keepFocusInside } from "../flows/Modal";
import { errorText, ipc, type AlertChoice, type Flow } from "../ipc/client";
import type { TriggerChoice } from "../ipc/bindings/TriggerChoice";
import { useEditorStore } from "../state/editorStore";
import type { FlowDocument } from "../state/flowDocument";
import { useFlowSession } from "../state/flowSession";
import { findKindSpec } from "../state/kindsStore";
import { describeFilter, firstMatching, triggerAlertFilter } from "./alertFilter";
import { formatTime } from "./format";
import { useRunStore } from "./runStore";
import "./runs.css";

function changesTenant(kind: string): boolean {
  return findKindSpec(kind)?.changesTenant ?? false;
}

/**
 * Run now's Dry run choice starts on for a flow with tenant-changing steps, every time the dialog
 * opens (it is the dialog's own choice: it never follows earlier runs or other switches).
 */
export function defaultDryRun(doc: FlowDocument): boolean {
  return doc.steps.some((step) => changesTenant(step.kind));
}

/** What the Run button says: a run that would change the tenant names how ("Run (for real: Isolate machine)"). */
export function runButtonLabel(doc: FlowDocument, dryRun: boolean): string {
  if (dryRun) return "Run";
  const changing = [...new Set(doc.steps.filter((step) => changesTenant(step.kind)).map((step) => findKindSpec(step.kind)?.title ?? step.kind))];
  return changing.length > 0 ? `Run (for real: ${changing.join(", ")})` : "Run";
}

/** The toolbar's run controls: Run now (with its dialog, where the Dry run choice is) and the history. */
export function RunControls() {
  const flow = useFlowSession((state) => state.flow);
  const [open, setOpen] = useState(false);
  const panelOpen = useRunStore((state) => state.panelOpen);
  const tab = useRunStore((state) => state.tab);
  const runNow = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    runNow.current?.focus();
  };

  // Ctrl/Cmd+Enter: Run now.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.defaultPrevented) return;
      if (!useFlowSession.getState().flow) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  const toggleHistory = () => {
    const store = useRunStore.getState();
    if (store.panelOpen && store.tab === "history") store.closePanel();
    else store.openPanel("history");
  };

  return (
    <div className="run-controls">
      <button ref={runNow} type="button" className="run-now-button" data-testid="run-now" disabled={!flow} onClick={() => setOpen(true)} title="Run now (Ctrl+Enter)">
        ▶ Run now
      </button>
      <button type="button" className="plain-button run-history-button" data-testid="run-history" aria-pressed={panelOpen && tab === "history"} disabled={!flow} onClick={toggleHistory}>
        History
      </button>
      {open && flow && <RunDialog flow={flow} onClose={close} />}
    </div>
  );
}

type Choice = { kind: "sample" } | { kind: "alert"; alertId: string } | { kind: "other" };

function newestFirst(alerts: AlertChoice[]): AlertChoice[] {
  const time = (alert: AlertChoice) => (alert.createdAt ? Date.parse(alert.createdAt) || 0 : 0);
  return [...alerts].sort((a, b) => time(b) - time(a));
}

function severityClass(severity: string): string {
  return `severity-badge severity-${severity.toLowerCase().replace(/[^a-z]/g, "") || "unknown"}`;
}

/** Run now's dialog: which input the trigger gets, then Run. */
function RunDialog({ flow, onClose }: { flow: Flow; onClose: () => void }) {
  const titleId = useId();
  const doc = useEditorStore((state) => state.doc);
  const [dryRun, setDryRun] = useState(() => defaultDryRun(doc));
  const dryRunOnly = useFlowSession((state) => state.flows.find((entry) => entry.id === flow.id)?.dryRunOnly ?? false);
  const [alerts, setAlerts] = useState<AlertChoice[] | null>(null);
  const [alertsError, setAlertsError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice>({ kind: "sample" });
  const [otherId, setOtherId] = useState("");
  const [busy, setBusy] = useState<"saving" | "starting" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const picked = useRef(false);

  useEffect(() => {
    let cancelled = false;
    ipc
      .listAlerts()
      .then((list) => {
        if (cancelled) return;
        const sorted = newestFirst(list);
        setAlerts(sorted);
        // The newest alert the trigger's filters let through is the likely input, unless the
        // user already picked; when none passes, Sample alert stays picked (and the dialog says so).
        const likely = firstMatching(sorted, useEditorStore.getState().doc.trigger);
        if (!picked.current && likely) {
          setChoice({ kind: "alert", alertId: likely.id });
          // Keyboard focus follows the picked option (a radio group's arrows move from there).
          window.setTimeout(() => dialog.current?.querySelector<HTMLElement>("input[type=radio]:checked")?.focus(), 0);
        }
      })
      .catch((reason: unknown) => !cancelled && setAlertsError(errorText(reason)));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>("input[type=radio]")?.focus();
  }, []);

  const pick = (next: Choice) => {
    picked.current = true;
    setChoice(next);
  };

  const label = useMemo(() => runButtonLabel(doc, dryRun), [doc, dryRun]);
  const filter = triggerAlertFilter(doc.trigger);
  const noneMatches = filter !== null && alerts !== null && alerts.length > 0 && !firstMatching(alerts, doc.trigger);
  const trigger: TriggerChoice | null =
    choice.kind === "sample" ? { kind: "sample" } : choice.kind === "alert" ? { kind: "alert", alertId: choice.alertId } : otherId.trim() ? { kind: "alert", alertId: otherId.trim() } : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!trigger || busy) return;
    setError(null);
    try {
      // The run runs the saved flow: save what the editor has first.
      setBusy("saving");
      const session = useFlowSession.getState();
      if (session.saveStatus !== "saved") await session.saveNow();
      const after = useFlowSession.getState();
      if (after.saveStatus === "error") throw new Error(`The flow could not be saved: ${after.saveError ?? "unknown error"}`);
      setBusy("starting");
      const runId = await ipc.runFlow({ flowId: flow.id, dryRun, trigger });
      onClose();
      void useRunStore.getState().watch(runId, flow.id);
    } catch (reason) {
      setError(errorText(reason));
      setBusy(null);
    }
  };

  return (
    <div
      className="overlay-backdrop"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
      onKeyDown={(event) => {
        // Keys pressed in the dialog are not canvas shortcuts.
        event.stopPropagation();
        if (event.key === "Escape") onClose();
        if (event.key === "Tab") keepFocusInside(event, dialog.current);
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.current?.requestSubmit();
        }
      }}
    >
      <div ref={dialog} className="overlay run-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="run-dialog">
        <form ref={form} onSubmit={submit}>
          <div className="overlay-header">
            <h2 id={titleId}>Run now</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              ✕
            </button>
          </div>
          <fieldset className="run-trigger-choices">
            <legend>What the trigger gets</legend>
            <label className="run-choice">
              <input type="radio" name="run-trigger" checked={choice.kind === "sample"} onChange={() => pick({ kind: "sample" })} />
              <span className="run-choice-title">Sample alert</span>
              <span className="run-choice-meta">A made-up alert; nothing in the tenant is looked up</span>
            </label>
            {alerts === null && !alertsError && <p className="run-note">Loading recent alerts…</p>}
            {alertsError && (
              <p className="run-note run-note-error" role="alert">
                Could not list the alerts: {alertsError}
              </p>
            )}
            {alerts?.length === 0 && <p className="run-note">No recent alerts.</p>}
            {noneMatches && filter && (
              <p className="run-note" data-testid="run-no-matching-alert">
                None of the recent alerts passes this trigger’s filter ({describeFilter(filter)}), so Sample alert is picked. You can still run the flow on one of them.
              </p>
            )}
            {alerts && alerts.length > 0 && (
              <div className="run-alert-list" role="group" aria-label="Recent alerts">
                {alerts.map((alert) => (
                  <label key={alert.id} className="run-choice" data-testid="run-alert">
                    <input type="radio" name="run-trigger" value={alert.id} checked={choice.kind === "alert" && choice.alertId === alert.id} onChange={() => pick({ kind: "alert", alertId: alert.id })} />
                    <span className={severityClass(alert.severity)}>{alert.severity}</span>
                    <span className="run-choice-title">{alert.title}</span>
                    <span className="run-choice-meta">
                      {[alert.computerDnsName ?? alert.machineId, alert.status, formatTime(alert.createdAt)].filter(Boolean).join(" · ")}
                    </span>
                  </label>
                ))}
              </div>
            )}
            <label className="run-choice">
              <input type="radio" name="run-trigger" checked={choice.kind === "other"} onChange={() => pick({ kind: "other" })} />
              <span className="run-choice-title">Another alert id</span>
            </label>
            {choice.kind === "other" && (
              <input className="field-input mono run-other-id" aria-label="Alert id" placeholder="da638…" value={otherId} onChange={(event) => setOtherId(event.target.value)} autoFocus />
            )}
          </fieldset>
          <label className="run-dry-choice">
            <input type="checkbox" data-testid="dry-run" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />
            <span>
              <span className="run-choice-title">Dry run</span>
              <span className="run-choice-meta"> — tenant-changing steps and emails are recorded, not sent</span>
            </span>
          </label>
          <p className={`run-note${dryRun ? "" : label !== "Run" ? " run-note-warning" : ""}`} data-testid="run-dry-note">
            {dryRun
              ? "Dry run: nothing is sent; the run panel shows the exact requests it would make."
              : label !== "Run"
                ? "Not a dry run: this run changes the tenant for real. Tick Dry run to only record what it would do."
                : "Not a dry run."}
            {dryRunOnly && " (This flow is set to dry run only: that applies to its background runs; this Run now follows your choice here.)"}
          </p>
          {error && (
            <p className="run-note run-note-error" role="alert">
              {error}
            </p>
          )}
          <div className="run-dialog-actions">
            <button type="button" className="plain-button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className={label === "Run" ? "run-confirm" : "run-confirm danger-button"} disabled={!trigger || busy !== null} data-testid="run-confirm">
              {busy === "saving" ? "Saving…" : busy === "starting" ? "Starting…" : label}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
