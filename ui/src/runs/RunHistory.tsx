import { useEffect } from "react";
import { useFlowSession } from "../state/flowSession";
import { formatDuration, formatTime, resultText, RUN_STATUSES, sourceText, statusIcon, statusText } from "./format";
import { useRunStore } from "./runStore";

/** The open flow's runs, newest first, filterable by status; opening one shows it in the run tab. */
export function RunHistory() {
  const flowId = useFlowSession((state) => state.flow?.id ?? null);
  const history = useRunStore((state) => state.history);
  const historyFlowId = useRunStore((state) => state.historyFlowId);
  const filter = useRunStore((state) => state.historyFilter);
  const loading = useRunStore((state) => state.historyLoading);
  const error = useRunStore((state) => state.historyError);
  const watchedRunId = useRunStore((state) => state.runId);

  useEffect(() => {
    if (flowId) void useRunStore.getState().loadHistory(flowId);
  }, [flowId]);

  if (!flowId) return <p className="run-empty">Open a flow to see its runs.</p>;
  const rows = historyFlowId === flowId ? history : [];
  return (
    <div className="run-history">
      <div className="run-history-bar">
        <label className="run-history-filter">
          <span>Status</span>
          <select
            aria-label="Filter by status"
            className="field-input"
            value={filter ?? ""}
            onChange={(event) => void useRunStore.getState().setHistoryFilter(event.target.value || null)}
          >
            <option value="">All</option>
            {RUN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {statusText(status)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="plain-button" onClick={() => void useRunStore.getState().loadHistory(flowId)}>
          Refresh
        </button>
        {loading && <span className="run-note" role="status">Loading…</span>}
      </div>
      {error && (
        <p className="run-note run-note-error" role="alert">
          Could not list the runs: {error}
        </p>
      )}
      {!loading && !error && rows.length === 0 && <p className="run-empty">{filter ? `No ${statusText(filter).toLowerCase()} runs.` : "This flow has not run yet."}</p>}
      {rows.length > 0 && (
        <table className="run-history-table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Source</th>
              <th scope="col">Alert</th>
              <th scope="col">Machine</th>
              <th scope="col">Started</th>
              <th scope="col">Dry run</th>
              <th scope="col">Duration</th>
              <th scope="col">Result</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((run) => (
              <tr
                key={run.id}
                className={run.id === watchedRunId ? "watched" : undefined}
                data-testid="run-history-row"
                data-run-id={run.id}
                data-status={run.status}
                data-source={run.source}
                data-alert-id={run.alertId ?? undefined}
                // The whole row opens the run for the mouse; the status button is the keyboard's way.
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest("button")) return;
                  void useRunStore.getState().openRun(run.id, run.flowId);
                }}
              >
                <td>
                  <button
                    type="button"
                    className={`run-badge status-${run.status} run-open`}
                    aria-label={`Open run of ${formatTime(run.startedAt ?? run.createdAt)} (${statusText(run.status)})`}
                    onClick={() => void useRunStore.getState().openRun(run.id, run.flowId)}
                  >
                    <span aria-hidden="true">{statusIcon(run.status)} </span>
                    {statusText(run.status)}
                  </button>
                </td>
                <td>{sourceText(run.source)}</td>
                <td title={run.alertId ? `Alert ${run.alertId}` : undefined}>{run.alertTitle ?? "—"}</td>
                <td>{run.machineName ?? "—"}</td>
                <td>{formatTime(run.startedAt ?? run.createdAt)}</td>
                <td>{run.dryRun ? "Yes" : "No"}</td>
                <td>{formatDuration(run.durationMs)}</td>
                <td className={run.tenantChanges.length > 0 ? "run-result-changed" : undefined} title={resultText(run)}>
                  {resultText(run)}
                </td>
                <td>{run.flowVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
