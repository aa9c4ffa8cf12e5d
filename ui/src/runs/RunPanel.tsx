import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from "react";
import { onRunEvent, type Flow, type RunDetail } from "../ipc/client";
import type { StepRunView } from "../ipc/bindings/StepRunView";
import { useEditorStore } from "../state/editorStore";
import { TRIGGER_ID } from "../state/flowDocument";
import { useFlowSession } from "../state/flowSession";
import { errorParts, flowOrder, formatDuration, formatTime, isLive, prettyJson, resultText, sourceText, statusIcon, statusText, timeOf, triggerText } from "./format";
import { RunHistory } from "./RunHistory";
import { RunFlowView } from "./RunFlowView";
import { TakenEdgesStyle } from "./TakenEdges";
import { findKindSpec } from "../state/kindsStore";
import { RUN_PANEL_TABS, runStatusOf, runVersionCaption, useRunStore, type RetryInfo, type RunPanelTab } from "./runStore";
import { ActivityBadge } from "../activity/ActivityButton";
import { ActivityFeed } from "../activity/ActivityFeed";
import { VersionsPanel } from "../flows/VersionsPanel";

const TAB_TITLES: Record<RunPanelTab, string> = { run: "Run", history: "History", versions: "Versions", activity: "Activity" };
import "./runs.css";

/** Listens to the engine's run events for as long as the panel is mounted. */
function useRunEvents() {
  useEffect(() => {
    let stop: (() => void) | null = null;
    let stopped = false;
    void onRunEvent((event) => useRunStore.getState().handleEvent(event)).then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    });
    return () => {
      stopped = true;
      stop?.();
    };
  }, []);
}

/** Follows the flow in the editor: another flow's run is forgotten, the history follows it. */
function useFollowOpenFlow() {
  const openFlowId = useFlowSession((state) => state.flow?.id ?? null);
  useEffect(() => {
    const store = useRunStore.getState();
    if (store.flowId && store.flowId !== openFlowId) store.clearRun();
  }, [openFlowId]);
  // Editing the flow while an older version is shown returns to editing (the edit is to the current one).
  useEffect(
    () =>
      useEditorStore.subscribe((state, previous) => {
        if (state.doc !== previous.doc && useRunStore.getState().viewingFlow) useRunStore.getState().backToEditing();
      }),
    [],
  );
}

/** Re-renders every second while `on` (a running run's duration). */
function useTicker(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [on]);
  return now;
}

const MIN_HEIGHT = 120;
const maxHeight = () => Math.max(MIN_HEIGHT, Math.round(window.innerHeight * 0.7));
const clampHeight = (height: number) => Math.min(maxHeight(), Math.max(MIN_HEIGHT, Math.round(height)));

/** The line above the panel: drag it, or focus it and use the arrow keys, to resize the panel. */
function ResizeHandle({ height, onResize }: { height: number; onResize: (height: number) => void }) {
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    const startY = event.clientY;
    const startHeight = height;
    const move = (moveEvent: PointerEvent) => onResize(clampHeight(startHeight + startY - moveEvent.clientY));
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 80 : 20;
    if (event.key === "ArrowUp") onResize(clampHeight(height + step));
    else if (event.key === "ArrowDown") onResize(clampHeight(height - step));
    else return;
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <div
      className="run-panel-resize"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the run panel"
      aria-valuemin={MIN_HEIGHT}
      aria-valuemax={maxHeight()}
      aria-valuenow={height}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}

/** The bottom panel: the watched run's steps, and the flow's run history. */
export function RunPanel() {
  useRunEvents();
  useFollowOpenFlow();
  const open = useRunStore((state) => state.panelOpen);
  const tab = useRunStore((state) => state.tab);
  const viewingFlow = useRunStore((state) => state.viewingFlow);
  const caption = useRunStore((state) => state.viewingCaption);
  const tabsId = useId();
  const [height, setHeight] = useState(() => clampHeight(window.innerHeight * 0.3));
  // The panel takes room from the canvas: show the whole flow again when it opens.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open && !wasOpen.current) useEditorStore.setState((state) => ({ loadCount: state.loadCount + 1 }));
    wasOpen.current = open;
  }, [open]);
  if (!open) return <TakenEdgesStyle />;
  const store = useRunStore.getState();
  // The tabs follow the arrow keys (the ARIA tabs pattern).
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const index = RUN_PANEL_TABS.indexOf(tab);
    const next = RUN_PANEL_TABS[(index + (event.key === "ArrowRight" ? 1 : RUN_PANEL_TABS.length - 1)) % RUN_PANEL_TABS.length] ?? "run";
    store.setTab(next);
    document.getElementById(`${tabsId}-${next}`)?.focus();
  };
  return (
    <section className="run-panel" aria-label="Run" data-testid="run-panel" style={{ flexBasis: height }}>
      <TakenEdgesStyle />
      <ResizeHandle height={height} onResize={setHeight} />
      <div className="run-panel-bar">
        <div className="run-tabs" role="tablist" aria-label="Run panel" onKeyDown={onTabKey}>
          {RUN_PANEL_TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              id={`${tabsId}-${name}`}
              tabIndex={tab === name ? 0 : -1}
              aria-selected={tab === name}
              aria-controls={`${tabsId}-${name}-body`}
              className="run-tab"
              data-testid={`run-tab-${name}`}
              onClick={() => store.setTab(name)}
            >
              {TAB_TITLES[name]}
              {name === "activity" && <ActivityBadge />}
            </button>
          ))}
        </div>
        <button type="button" className="icon-button" aria-label="Close run panel" onClick={store.closePanel}>
          ✕
        </button>
      </div>
      <div className="run-panel-body" role="tabpanel" id={`${tabsId}-${tab}-body`} aria-labelledby={`${tabsId}-${tab}`}>
        {tab === "run" && <RunView />}
        {tab === "history" && <RunHistory />}
        {tab === "versions" && <VersionsPanel />}
        {tab === "activity" && <ActivityFeed />}
      </div>
      {viewingFlow && caption && <RunFlowView flow={viewingFlow} caption={caption} />}
    </section>
  );
}

/** The watched run: its summary line, its buttons and a row per step. */
function RunView() {
  const runId = useRunStore((state) => state.runId);
  const detail = useRunStore((state) => state.detail);
  const error = useRunStore((state) => state.error);
  const status = useRunStore(runStatusOf);
  const otherVersion = useRunStore((state) => state.otherVersion);
  const viewingFlow = useRunStore((state) => state.viewingFlow);
  const openFlow = useFlowSession((state) => state.flow);
  const editorDoc = useEditorStore((state) => state.doc);
  const live = isLive(status ?? undefined);
  const now = useTicker(live);

  if (!runId) return <p className="run-empty">No run selected. Run the flow with Run now, or open a run from the History tab.</p>;
  if (!detail) {
    return (
      <div className="run-empty" role="status">
        {error ? <span className="run-note-error">Could not read the run: {error}</span> : "Loading the run…"}
      </div>
    );
  }

  const run = detail.run;
  const started = timeOf(run.startedAt ?? run.createdAt);
  const duration = run.durationMs ?? (live && started !== null ? now - started : null);
  // The flow the run ran (its version), else the editor's when it is the same flow.
  const flow: Pick<Flow, "trigger" | "steps" | "edges"> | null = detail.flow ?? (openFlow?.id === run.flowId ? editorDoc : null);
  const store = useRunStore.getState();
  return (
    <div className="run-view" data-testid="run-view" data-run-id={run.id} data-status={status ?? run.status}>
      <div className="run-summary">
        <span className={`run-badge status-${status ?? run.status}`} data-testid="run-status" role="status">
          <span aria-hidden="true">{statusIcon(status ?? run.status)} </span>
          {statusText(status ?? run.status)}
        </span>
        {run.dryRun && <span className="run-badge dry-run-badge">Dry run</span>}
        <span className="run-fact" data-testid="run-source">
          <span className="run-fact-label">Source</span> {sourceText(run.source)}
        </span>
        {(run.alertTitle || run.alertId) && (
          <span className="run-fact" data-testid="run-alert" title={run.alertId ? `Alert ${run.alertId}` : undefined}>
            <span className="run-fact-label">Alert</span> {run.alertTitle ?? run.alertId}
            {run.machineName ? ` · ${run.machineName}` : ""}
          </span>
        )}
        {!live && (
          <span className={`run-fact${run.tenantChanges.length > 0 ? " run-result-changed" : ""}`} data-testid="run-result">
            <span className="run-fact-label">Changed</span> {resultText(run)}
          </span>
        )}
        <span className="run-fact">
          <span className="run-fact-label">Started</span> {formatTime(run.startedAt ?? run.createdAt)}
        </span>
        <span className="run-fact">
          <span className="run-fact-label">Duration</span> {formatDuration(duration)}
        </span>
        <span className="run-fact">
          <span className="run-fact-label">Version</span> {run.flowVersion}
        </span>
        {detail.rerunOf && <span className="run-fact">Rerun of {detail.rerunOf.slice(0, 8)}</span>}
        <span className="run-actions">
          {live && (
            <button type="button" className="plain-button" onClick={() => void store.cancel()}>
              Cancel run
            </button>
          )}
          {!live && (
            <button type="button" className="plain-button" onClick={() => void store.rerun(false)}>
              Run again
            </button>
          )}
          {/* A failed run, or a cancelled / interrupted one stopped in a step (recorded as failed). */}
          {!live && run.status !== "succeeded" && detail.steps.some((step) => step.status === "failed") && (
            <button type="button" className="plain-button" onClick={() => void store.rerun(true)}>
              Run again from failed step
            </button>
          )}
        </span>
      </div>
      {run.reason && <p className="run-reason">{run.reason}</p>}
      {error && (
        <p className="run-note run-note-error" role="alert">
          {error}
        </p>
      )}
      {otherVersion && !viewingFlow && (
        <p className="run-note run-note-warning" data-testid="run-version-notice">
          This run ran version {otherVersion.runVersion} of the flow; the editor has version {otherVersion.currentVersion}.
          {detail.flow ? (
            <>
              {" "}
              <button type="button" className="plain-button" onClick={() => useRunStore.setState({ viewingFlow: detail.flow, viewingCaption: runVersionCaption(otherVersion.runVersion) })}>
                Show version {otherVersion.runVersion}
              </button>
            </>
          ) : (
            " That version is no longer stored."
          )}
        </p>
      )}
      <StepList detail={detail} flow={flow} />
    </div>
  );
}

interface StepRow {
  id: string;
  title: string;
  kind: string;
  record: StepRunView | null;
}

function stepRows(detail: RunDetail, flow: Pick<Flow, "trigger" | "steps" | "edges"> | null): StepRow[] {
  const records = new Map(detail.steps.map((step) => [step.stepId, step]));
  const ids = flow ? flowOrder(flow) : [TRIGGER_ID];
  for (const step of detail.steps) if (!ids.includes(step.stepId)) ids.push(step.stepId);
  return ids.map((id) => {
    if (id === TRIGGER_ID) return { id, title: flow?.trigger?.title ?? "Trigger", kind: "trigger", record: records.get(id) ?? null };
    const step = flow?.steps.find((entry) => entry.id === id);
    return { id, title: step?.title ?? id, kind: step?.kind ?? "", record: records.get(id) ?? null };
  });
}

function StepList({ detail, flow }: { detail: RunDetail; flow: Pick<Flow, "trigger" | "steps" | "edges"> | null }) {
  const nodes = useRunStore((state) => state.nodes);
  const retrying = useRunStore((state) => state.retrying);
  const rows = stepRows(detail, flow);
  return (
    <ol className="run-steps" aria-label="Steps">
      {rows.map((row) => {
        const status = nodes[row.id]?.status ?? row.record?.status ?? "pending";
        return <StepRowView key={row.id} row={row} status={status} detail={detail} retry={status === "running" ? (retrying[row.id] ?? null) : null} />;
      })}
    </ol>
  );
}

function StepRowView({ row, status, detail, retry }: { row: StepRow; status: string; detail: RunDetail; retry: RetryInfo | null }) {
  const [expanded, setExpanded] = useState(false);
  const bodyId = useId();
  const record = row.record;
  const isTrigger = row.id === TRIGGER_ID;
  const input = isTrigger ? undefined : record?.input;
  const output = isTrigger ? (record?.output ?? detail.triggerPayload) : record?.output;
  const error = errorParts(record?.error);
  const hasDetails = (input !== undefined && input !== null) || (output !== undefined && output !== null) || Boolean(record?.startedAt);
  return (
    <li className={`run-step status-${status}`} data-testid="run-step" data-step-id={row.id} data-status={status}>
      <div className="run-step-line">
        <button
          type="button"
          className="run-step-toggle"
          aria-expanded={expanded}
          aria-controls={bodyId}
          aria-label={`${expanded ? "Hide" : "Show"} details of ${row.title}`}
          disabled={!hasDetails}
          onClick={() => setExpanded(!expanded)}
        >
          <span aria-hidden="true">{expanded ? "▾" : "▸"}</span>
        </button>
        <span className={`run-step-status status-${status}`}>
          <span className="run-step-icon" aria-hidden="true">
            {status === "running" ? <span className="run-spinner" /> : statusIcon(status)}
          </span>
          {statusText(status)}
        </span>
        <span className="run-step-title">{row.title}</span>
        <span className="run-step-meta">{isTrigger ? triggerText(detail.run.triggerKind) : (findKindSpec(row.kind)?.title ?? row.kind)}</span>
        <span className="run-step-meta">{record && record.attempts > 0 ? `${record.attempts} ${record.attempts === 1 ? "attempt" : "attempts"}` : ""}</span>
        <span className="run-step-meta run-step-duration">{record ? formatDuration(record.durationMs) : ""}</span>
      </div>
      {retry && (
        <p className="run-step-retry" role="status">
          Attempt {retry.attempt} failed: {retry.error}. Retrying in {formatDuration(retry.delayMs)}.
        </p>
      )}
      {error && (
        <p className="run-step-error">
          {error.code && <code className="run-error-code">{error.code}</code>} {error.message}
        </p>
      )}
      {expanded && (
        <div className="run-step-body" id={bodyId}>
          {input !== undefined && input !== null && <JsonBlock label="Input" stepTitle={row.title} value={input} />}
          {output !== undefined && output !== null && <JsonBlock label={isTrigger ? "Trigger payload" : "Output"} stepTitle={row.title} value={output} />}
          {record?.startedAt && (
            <p className="run-step-times">
              Started {formatTime(record.startedAt)}
              {record.finishedAt ? ` · finished ${formatTime(record.finishedAt)}` : ""}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

function JsonBlock({ label, stepTitle, value }: { label: string; stepTitle: string; value: unknown }) {
  const [copied, setCopied] = useState(false);
  const text = prettyJson(value);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="run-json">
      <div className="run-json-header">
        <span className="run-fact-label">{label}</span>
        <button type="button" className="plain-button" aria-label={`Copy ${label.toLowerCase()} of ${stepTitle}`} onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre className="run-json-text" aria-label={`${label} of ${stepTitle}`}>
        {text}
      </pre>
    </div>
  );
}
