import { useEffect, useState } from "react";
import { useRunStore } from "../runs/runStore";
import { useFlowSession, type SaveStatus } from "../state/flowSession";
import { publishState, useFlowDialogs, useFlowSummary } from "./flowDialogs";
import { duplicateNameWarning } from "./flowNames";
import "./versions.css";

const STATUS_TEXT: Record<SaveStatus, string> = { saved: "Saved ✓", saving: "Saving…", unsaved: "Unsaved", error: "Not saved" };

/** How long the header's notice (what Publish or Enable did) stays. */
export const NOTICE_MS = 8000;

/**
 * The open flow in the window's toolbar: its name (editable), whether the draft is saved, where it
 * stands (Draft / Published vN / unpublished changes, on or off, dry run only), Publish and Versions.
 */
export function FlowHeader() {
  const flow = useFlowSession((state) => state.flow);
  const status = useFlowSession((state) => state.saveStatus);
  const saveError = useFlowSession((state) => state.saveError);
  const setName = useFlowSession((state) => state.setName);
  const summary = useFlowSummary(flow?.id);
  const openPublish = useFlowDialogs((state) => state.openPublish);
  const notice = useFlowDialogs((state) => state.notice);
  const flows = useFlowSession((state) => state.flows);
  const [draft, setDraft] = useState(flow?.name ?? "");
  useEffect(() => setDraft(flow?.name ?? ""), [flow?.id, flow?.name]);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => useFlowDialogs.getState().setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);

  if (!flow) return <span className="toolbar-flow-name">No flow open</span>;
  const commit = () => {
    const clean = draft.trim();
    if (clean) setName(clean);
    else setDraft(flow.name);
  };
  const nameWarning = duplicateNameWarning(draft, flow.id, flows);
  const enabled = summary?.enabled ?? flow.enabled;
  const unpublished = summary ? summary.publishedVersion === null || summary.hasUnpublishedChanges : false;
  const toggleVersions = () => {
    const store = useRunStore.getState();
    if (store.panelOpen && store.tab === "versions") store.closePanel();
    else store.openPanel("versions");
  };
  return (
    <>
      <input
        className="toolbar-flow-name flow-name-input"
        aria-label="Flow name"
        data-testid="flow-name"
        value={draft}
        title={draft}
        maxLength={200}
        aria-describedby={nameWarning ? "flow-name-duplicate" : undefined}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") (event.target as HTMLInputElement).blur();
          if (event.key === "Escape") setDraft(flow.name);
        }}
      />
      {nameWarning && (
        <span className="flow-name-duplicate" id="flow-name-duplicate" role="status" data-testid="flow-name-duplicate" title={nameWarning}>
          <span aria-hidden="true">⚠ </span>
          Another flow has this name
        </span>
      )}
      <span className={`save-status save-${status}`} role="status" data-testid="save-status" title={saveError ?? undefined}>
        {STATUS_TEXT[status]}
      </span>
      <span className="flow-state" data-testid="flow-state">
        <span className={`enabled-dot${enabled ? " on" : ""}`} title={enabled ? "On: runs by itself on its trigger" : "Off: runs only with Run now"}>
          {enabled ? "● On" : "○ Off"}
        </span>
        {summary && (
          <span className={`publish-state${unpublished ? " unpublished" : ""}`} data-testid="publish-state">
            {publishState(summary)}
          </span>
        )}
        {summary?.dryRunOnly && (
          <span className="dry-only-chip" data-testid="dry-run-only-chip" title="Background runs record what they would do and send nothing">
            Dry run only
          </span>
        )}
      </span>
      <button type="button" className={unpublished ? "run-confirm header-publish" : "plain-button header-publish"} data-testid="publish" disabled={!summary} onClick={() => openPublish(flow.id)}>
        Publish…
      </button>
      <button type="button" className="plain-button" data-testid="versions" onClick={toggleVersions}>
        Versions
      </button>
      {notice && (
        <span className="header-notice" role="status" data-testid="flow-notice">
          {notice}
        </span>
      )}
    </>
  );
}
