import { useCallback, useEffect, useState } from "react";
import { errorText, ipc, type Flow, type FlowVersion, type VersionDiff } from "../ipc/client";
import { formatTime } from "../runs/format";
import { useRunStore } from "../runs/runStore";
import { useEditorStore } from "../state/editorStore";
import { useFlowSession } from "../state/flowSession";
import { FlowDiffView } from "./FlowDiffView";
import { useFlowDialogs, useFlowSummary } from "./flowDialogs";
import "./versions.css";

type Compared = { diff: VersionDiff; documents: (Flow | null)[] };

function versionState(version: FlowVersion): string {
  if (version.published && version.draft) return "Published · draft";
  if (version.published) return "Published";
  if (version.draft) return "Draft";
  return "";
}

/** Opens a flow's draft in the editor again (after a restore made a new one). */
async function reopenDraft(flowId: string): Promise<void> {
  const view = await ipc.getFlow(flowId);
  useFlowSession.getState().openFlow(view.flow);
  useEditorStore.getState().setDiagnostics(view.diagnostics);
  await useFlowSession.getState().refresh();
}

/**
 * The open flow's versions, newest first: which one is published and which is the draft; view one
 * read-only on the canvas, compare two, or restore one as a new draft (nothing goes live until Publish).
 */
export function VersionsPanel() {
  const flowId = useFlowSession((state) => state.flow?.id ?? null);
  const summary = useFlowSummary(flowId);
  const [versions, setVersions] = useState<FlowVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [compared, setCompared] = useState<Compared | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(async () => {
    if (!flowId) return;
    try {
      setVersions(await ipc.flowVersions(flowId));
      setError(null);
    } catch (reason) {
      setError(errorText(reason));
    }
  }, [flowId]);
  useEffect(() => {
    setSelected([]);
    setCompared(null);
  }, [flowId]);
  useEffect(() => {
    void load();
  }, [load, summary?.draftVersion, summary?.publishedVersion]);

  // Two versions chosen: what changed from the older to the newer.
  useEffect(() => {
    if (!flowId || selected.length !== 2) {
      setCompared(null);
      return;
    }
    const [from, to] = [...selected].sort((a, b) => a - b) as [number, number];
    let cancelled = false;
    Promise.all([ipc.diffFlowVersions(flowId, from, to), ipc.getFlowVersion(flowId, from), ipc.getFlowVersion(flowId, to)])
      .then(([diff, older, newer]) => !cancelled && setCompared({ diff, documents: [older.flow, newer.flow] }))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    return () => {
      cancelled = true;
    };
  }, [flowId, selected]);

  if (!flowId) return <p className="run-empty">Open a flow to see its versions.</p>;

  const view = async (version: FlowVersion) => {
    try {
      const shown = await ipc.getFlowVersion(flowId, version.version);
      const state = versionState(version);
      useRunStore.getState().viewVersion(shown.flow, `Viewing version ${version.version}${state ? ` (${state.toLowerCase()})` : ""} — read-only.`);
    } catch (reason) {
      setError(errorText(reason));
    }
  };
  const restore = async (version: FlowVersion) => {
    setBusy(version.version);
    try {
      const session = useFlowSession.getState();
      if (session.saveStatus !== "saved") await session.saveNow();
      const result = await ipc.restoreFlowVersion(flowId, version.version);
      useRunStore.getState().backToEditing();
      await reopenDraft(flowId);
      useFlowDialogs.getState().setNotice(`Version ${version.version} restored as draft v${result.version}. Nothing changes for background runs until you publish it.`);
      await load();
    } catch (reason) {
      setError(errorText(reason));
    } finally {
      setBusy(null);
    }
  };
  const toggle = (version: number, on: boolean) => setSelected((previous) => (on ? [...previous.filter((entry) => entry !== version), version].slice(-2) : previous.filter((entry) => entry !== version)));

  return (
    <div className="versions" data-testid="versions-panel">
      <div className="run-history-bar">
        <span className="run-note">Tick two versions to compare them.</span>
        <button type="button" className="plain-button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="run-note run-note-error" role="alert">
          {error}
        </p>
      )}
      {versions === null && !error && <p className="run-note">Loading…</p>}
      {versions && (
        <div className="versions-layout">
          <table className="run-history-table versions-table" aria-label="Versions">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Saved</th>
                <th scope="col">Problems</th>
                <th scope="col">
                  <span className="run-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr key={version.version} data-testid="version-row" data-version={version.version} className={version.published ? "version-published" : undefined}>
                  <td>
                    <input type="checkbox" aria-label={`Compare version ${version.version}`} checked={selected.includes(version.version)} onChange={(event) => toggle(version.version, event.target.checked)} />
                  </td>
                  <td>v{version.version}</td>
                  <td>{versionState(version) || "—"}</td>
                  <td>{formatTime(version.savedAt)}</td>
                  <td>{version.problems === 0 ? "None" : version.problems}</td>
                  <td className="version-actions">
                    <button type="button" className="plain-button" aria-label={`View version ${version.version}`} onClick={() => void view(version)}>
                      View
                    </button>
                    {!version.draft && (
                      <button type="button" className="plain-button" aria-label={`Restore version ${version.version} as the draft`} disabled={busy !== null} onClick={() => void restore(version)}>
                        {busy === version.version ? "Restoring…" : "Restore as draft"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {compared && (
            <section className="versions-diff" aria-label={`Changes from version ${compared.diff.fromVersion} to ${compared.diff.toVersion}`} data-testid="versions-diff">
              <h3>
                v{compared.diff.fromVersion} → v{compared.diff.toVersion}
              </h3>
              <FlowDiffView diff={compared.diff.diff} documents={compared.documents} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}
