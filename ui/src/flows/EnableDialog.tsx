import { useEffect, useRef, useState } from "react";
import { errorText, ipc, type AlertChoice, type EnablePreview, type RunDetail } from "../ipc/client";
import { isLive, formatTime } from "../runs/format";
import { useFlowSession } from "../state/flowSession";
import { wouldDo } from "./backlog";
import { useFlowDialogs } from "./flowDialogs";
import { Modal } from "./Modal";

/** How often a backlog dry run's record is read again while it runs. */
const FOLLOW_MS = 400;

type Stage = "confirm" | "preview" | "handle";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function severityClass(severity: string): string {
  return `severity-badge severity-${severity.toLowerCase().replace(/[^a-z]/g, "") || "unknown"}`;
}

function AlertLine({ alert }: { alert: AlertChoice }) {
  return (
    <>
      <span className={severityClass(alert.severity)}>{alert.severity}</span> <span className="backlog-title">{alert.title}</span>
      <span className="backlog-meta"> · {[alert.computerDnsName ?? alert.machineId, formatTime(alert.createdAt)].filter(Boolean).join(" · ")}</span>
    </>
  );
}

/** Follows runs until each has finished (re-reading its record), giving every new answer. */
function useFollowRuns(runIds: readonly string[] | null): Record<string, RunDetail> {
  const [details, setDetails] = useState<Record<string, RunDetail>>({});
  useEffect(() => {
    if (!runIds || runIds.length === 0) return;
    let cancelled = false;
    let timer: number | null = null;
    const pending = new Set(runIds);
    const tick = async () => {
      for (const runId of [...pending]) {
        try {
          const detail = await ipc.getRun(runId);
          if (cancelled) return;
          setDetails((previous) => ({ ...previous, [runId]: detail }));
          if (!isLive(detail.run.status)) pending.delete(runId);
        } catch {
          // Not readable yet: try again at the next tick.
        }
      }
      if (!cancelled && pending.size > 0) timer = window.setTimeout(() => void tick(), FOLLOW_MS);
    };
    void tick();
    return () => {
      cancelled = true;
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [runIds]);
  return details;
}

/**
 * Switching a flow on: it starts from now. The dialog says so, says how many alerts arrived (or
 * schedule runs were missed) while it was off and that they will not be handled, and offers
 * "also handle these N": first a dry-run preview of what they would do, then a second confirmation.
 */
export function EnableDialog() {
  const flowId = useFlowDialogs((state) => state.enabling);
  if (!flowId) return null;
  return <EnableDialogBody key={flowId} flowId={flowId} />;
}

function EnableDialogBody({ flowId }: { flowId: string }) {
  const close = useFlowDialogs((state) => state.close);
  const openPublish = useFlowDialogs((state) => state.openPublish);
  const summary = useFlowSession((state) => state.flows.find((entry) => entry.id === flowId));
  const name = summary?.name ?? flowId;
  const [preview, setPreview] = useState<EnablePreview | null>(null);
  const [changes, setChanges] = useState<string[]>([]);
  const [stage, setStage] = useState<Stage>("confirm");
  const [runMissedTick, setRunMissedTick] = useState(false);
  const [dryRuns, setDryRuns] = useState<{ alertId: string; runId: string }[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const runIds = useRef<string[] | null>(null);

  useEffect(() => {
    let cancelled = false;
    ipc
      .enablePreview(flowId)
      .then((value) => !cancelled && setPreview(value))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    void useFlowSession
      .getState()
      .tenantChanges(flowId)
      // "Isolate machine (Isolate machine)": a step still named after its kind says it once.
      .then((list) => !cancelled && setChanges(list.map((change) => change.replace(/^(.+) \(\1\)$/, "$1"))));
    return () => {
      cancelled = true;
    };
  }, [flowId]);

  if (dryRuns && runIds.current === null) runIds.current = dryRuns.map((run) => run.runId);
  const details = useFollowRuns(dryRuns ? runIds.current : null);

  const backlog = preview?.backlog ?? [];
  const dryRunOnly = preview?.dryRunOnly ?? summary?.dryRunOnly ?? false;
  const previewDone = dryRuns !== null && dryRuns.every((run) => details[run.runId] && !isLive(details[run.runId]?.run.status));

  const switchOn = async (handleBacklog: string[]) => {
    setBusy(true);
    setError(null);
    try {
      const result = await ipc.setFlowEnabled(flowId, true, { handleBacklog, runMissedTick });
      const session = useFlowSession.getState();
      if (session.flow?.id === flowId) useFlowSession.setState({ flow: { ...session.flow, enabled: result.enabled } });
      await useFlowSession.getState().refresh();
      const handled = result.backlogRuns.length;
      useFlowDialogs
        .getState()
        .setNotice(
          `“${name}” is on and starts from now.${handled > 0 ? ` ${plural(handled, "earlier alert")} ${handled === 1 ? "is" : "are"} being handled${dryRunOnly ? " as dry runs" : ""}: see Activity.` : ""}${result.missedTickRun ? " The missed scheduled run runs now." : ""}`,
        );
      close();
    } catch (reason) {
      setError(errorText(reason));
      setBusy(false);
    }
  };

  const startPreview = async () => {
    setStage("preview");
    setError(null);
    if (dryRuns) return;
    try {
      setDryRuns(await ipc.backlogDryRun(flowId, backlog.map((alert) => alert.id)));
    } catch (reason) {
      setError(`The dry runs could not start: ${errorText(reason)}`);
    }
  };

  const title = stage === "confirm" ? `Switch on “${name}”?` : `Also handle ${plural(backlog.length, "earlier alert")}?`;
  return (
    <Modal title={title} onClose={close} testId="enable-dialog" className="enable-dialog">
      {!preview && !error && (
        <p className="run-note" role="status">
          Looking at what arrived while the flow was off…
        </p>
      )}
      {preview?.refusal && (
        <div className="dialog-problems" role="alert" data-testid="enable-refusal">
          <p>{preview.refusal}</p>
          {preview.publishedVersion === null && (
            <button type="button" className="plain-button" data-testid="enable-publish" onClick={() => openPublish(flowId)}>
              Publish…
            </button>
          )}
        </div>
      )}
      {preview && !preview.refusal && stage === "confirm" && (
        <div data-testid="enable-confirm-stage">
          <p className="dialog-lead" data-testid="enable-from-now">
            {preview.triggerKind === "schedule"
              ? `It starts from now: it runs on its schedule from the next time${preview.nextTick ? ` (${formatTime(preview.nextTick)})` : ""}, with published v${preview.publishedVersion}.`
              : preview.triggerKind === "manual"
                ? "It starts only when you click Run now: switching it on starts nothing by itself."
                : `It starts from now: it runs on alerts that arrive from now on, with published v${preview.publishedVersion}. Nothing that arrived before is replayed.`}
          </p>
          {changes.length > 0 && (
            <p className={dryRunOnly ? "run-note" : "run-note run-note-warning"} data-testid="enable-changes">
              {dryRunOnly
                ? `Dry run only is on: its runs record what they would do (${changes.join(", ")}) and send nothing.`
                : `Its runs change the tenant for real: ${changes.join(", ")}.`}
            </p>
          )}
          {preview.backlogError && (
            <p className="run-note run-note-error" role="alert">
              The alerts that arrived while it was off could not be read: {preview.backlogError}
            </p>
          )}
          {backlog.length > 0 && (
            <div className="backlog" data-testid="enable-backlog">
              <p>
                <strong data-testid="enable-backlog-count">{plural(backlog.length, "alert")} arrived while it was off</strong>
                {preview.backlogSince ? ` (since ${formatTime(preview.backlogSince)})` : ""}. {backlog.length === 1 ? "It is" : "They are"} not handled unless you ask.
              </p>
              <ul className="backlog-list">
                {backlog.map((alert) => (
                  <li key={alert.id} data-testid="enable-backlog-alert">
                    <AlertLine alert={alert} />
                  </li>
                ))}
              </ul>
              <button type="button" className="plain-button" data-testid="enable-handle-backlog" onClick={() => void startPreview()}>
                Also handle these {backlog.length}…
              </button>
            </div>
          )}
          {preview.missedTicks > 0 && (
            <div className="backlog" data-testid="enable-missed-ticks">
              <p>
                <strong>{plural(preview.missedTicks, "scheduled run")} were missed while it was off</strong>; they will not run.
              </p>
              <label className="run-dry-choice">
                <input type="checkbox" checked={runMissedTick} onChange={(event) => setRunMissedTick(event.target.checked)} data-testid="enable-run-missed" />
                <span>Run it once now for the missed time</span>
              </label>
            </div>
          )}
        </div>
      )}
      {preview && !preview.refusal && stage !== "confirm" && (
        <div data-testid="enable-preview-stage">
          <p className="dialog-lead">
            A dry run of published v{preview.publishedVersion} on each of them, so you see what handling them would do. Nothing has been sent.
          </p>
          <ul className="backlog-list backlog-preview">
            {backlog.map((alert) => {
              const runId = dryRuns?.find((run) => run.alertId === alert.id)?.runId;
              const detail = runId ? details[runId] : undefined;
              const live = !detail || isLive(detail.run.status);
              const lines = detail && !live ? wouldDo(detail, alert) : [];
              return (
                <li key={alert.id} data-testid="enable-preview-alert" data-status={detail?.run.status ?? "queued"}>
                  <AlertLine alert={alert} />
                  {dryRuns && !runId && <p className="backlog-would">Already handled by this flow: it will not run again.</p>}
                  {runId && live && <p className="backlog-would" role="status">Dry run in progress…</p>}
                  {runId && !live && (
                    <ul className="backlog-would">
                      {lines.length === 0 && <li>Would change nothing and send nothing.</li>}
                      {lines.map((line, index) => (
                        <li key={index} data-testid="enable-would">
                          {line}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              );
            })}
          </ul>
          {stage === "handle" && (
            <p className="run-note run-note-warning" role="alert" data-testid="enable-handle-warning">
              {dryRunOnly
                ? `Dry run only is on: the ${backlog.length} runs are dry runs too. Switch on and handle them?`
                : `This really does it: ${backlog.length} runs that change the tenant as shown above. Switch on and handle them?`}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="run-note run-note-error" role="alert" data-testid="enable-error">
          {error}
        </p>
      )}
      <div className="run-dialog-actions">
        <button type="button" className="plain-button" onClick={close}>
          Cancel
        </button>
        {stage === "confirm" && (
          <button type="button" className="run-confirm" data-testid="enable-confirm" data-autofocus disabled={!preview || Boolean(preview.refusal) || busy} onClick={() => void switchOn([])}>
            {busy ? "Switching on…" : backlog.length > 0 ? "Switch on from now" : "Switch on"}
          </button>
        )}
        {stage === "preview" && (
          <>
            <button type="button" className="plain-button" data-testid="enable-back" onClick={() => setStage("confirm")}>
              Back
            </button>
            <button type="button" className="run-confirm danger-button" data-testid="enable-handle-next" disabled={!previewDone} onClick={() => setStage("handle")}>
              Handle these {backlog.length}…
            </button>
          </>
        )}
        {stage === "handle" && (
          <>
            <button type="button" className="plain-button" onClick={() => setStage("preview")}>
              Back
            </button>
            <button
              type="button"
              className="run-confirm danger-button"
              data-testid="enable-handle-confirm"
              data-autofocus
              disabled={busy}
              onClick={() => void switchOn(backlog.map((alert) => alert.id))}
            >
              {busy ? "Switching on…" : `Switch on and handle ${backlog.length}`}
            </button>
          </>
        )}
      </div>
    </Modal>
  );
}
