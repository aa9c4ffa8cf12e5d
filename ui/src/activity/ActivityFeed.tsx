import { useEffect, useState } from "react";
import { errorText, ipc, type RunListItem } from "../ipc/client";
import { formatTime, isAutomatic, resultText, sourceText, statusIcon, statusText } from "../runs/format";
import { useRunStore } from "../runs/runStore";
import { useFlowSession } from "../state/flowSession";
import { useActivityStore } from "./activityStore";
import "./activity.css";

/** Opens a run of any flow: its flow in the editor, then the run in the run panel. */
async function openActivityRun(item: RunListItem): Promise<void> {
  await useFlowSession.getState().open(item.flowId);
  await useRunStore.getState().openRun(item.id, item.flowId);
}

/** The setting: an OS notification when a background run changes the tenant (default on). */
function NotifySetting() {
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    ipc
      .getNotifyTenantChanges()
      .then((value) => !cancelled && setOn(value))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    return () => {
      cancelled = true;
    };
  }, []);
  const change = async (value: boolean) => {
    setOn(value);
    try {
      await ipc.setNotifyTenantChanges(value);
      setError(null);
    } catch (reason) {
      setOn(!value);
      setError(errorText(reason));
    }
  };
  return (
    <label className="activity-notify" title={error ?? undefined}>
      <input type="checkbox" data-testid="activity-notify" checked={on ?? false} disabled={on === null} onChange={(event) => void change(event.target.checked)} />
      Notify me when a background run changes the tenant
      {error && <span className="run-note-error"> ({error})</span>}
    </label>
  );
}

/**
 * Every flow's runs, newest first: when, which flow, why it ran (Run now, a new alert, the
 * schedule, an earlier alert handled on enable), the alert and its machine, the status, dry run,
 * and what it changed in the tenant. Showing it marks the tenant-changing runs seen (the badge).
 */
export function ActivityFeed() {
  const items = useActivityStore((state) => state.items);
  const loading = useActivityStore((state) => state.loading);
  const error = useActivityStore((state) => state.error);
  const nextBefore = useActivityStore((state) => state.nextBefore);

  useEffect(() => {
    const store = useActivityStore.getState();
    store.setVisible(true);
    void store.load().then(() => useActivityStore.getState().markSeen());
    return () => useActivityStore.getState().setVisible(false);
  }, []);

  return (
    <div className="activity" data-testid="activity-feed">
      <div className="run-history-bar">
        <span className="run-note">Every flow's runs, newest first. Automatic runs are marked ⚡.</span>
        <button type="button" className="plain-button" onClick={() => void useActivityStore.getState().load()}>
          Refresh
        </button>
        {loading && (
          <span className="run-note" role="status">
            Loading…
          </span>
        )}
        <NotifySetting />
      </div>
      {error && (
        <p className="run-note run-note-error" role="alert">
          Could not list the activity: {error}
        </p>
      )}
      {!loading && !error && items.length === 0 && <p className="run-empty">No runs yet. Runs of every flow, manual and automatic, show here.</p>}
      {items.length > 0 && (
        <table className="run-history-table activity-table" aria-label="Activity">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Flow</th>
              <th scope="col">Source</th>
              <th scope="col">Alert</th>
              <th scope="col">Machine</th>
              <th scope="col">Status</th>
              <th scope="col">What changed in the tenant</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr
                key={item.id}
                data-testid="activity-row"
                data-run-id={item.id}
                data-source={item.source}
                data-status={item.status}
                data-dry-run={item.dryRun ? "true" : "false"}
                className={item.tenantChanges.length > 0 ? "activity-changed" : undefined}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest("button")) return;
                  void openActivityRun(item);
                }}
              >
                <td>
                  <button type="button" className="link-button activity-open" aria-label={`Open the run of ${item.flowName} at ${formatTime(item.createdAt)}`} onClick={() => void openActivityRun(item)}>
                    {formatTime(item.createdAt)}
                  </button>
                </td>
                <td title={item.flowName}>{item.flowName}</td>
                <td data-testid="activity-source">
                  {isAutomatic(item.source) && (
                    <span className="activity-auto" aria-hidden="true">
                      ⚡{" "}
                    </span>
                  )}
                  {sourceText(item.source)}
                </td>
                <td data-testid="activity-alert" title={item.alertId ?? undefined}>
                  {item.alertTitle ?? "—"}
                </td>
                <td data-testid="activity-machine">{item.machineName ?? "—"}</td>
                <td>
                  <span className={`run-badge status-${item.status}`}>
                    <span aria-hidden="true">{statusIcon(item.status)} </span>
                    {statusText(item.status)}
                  </span>
                  {item.dryRun && <span className="run-badge dry-run-badge activity-dry">Dry run</span>}
                </td>
                <td data-testid="activity-result" className={item.tenantChanges.length > 0 ? "activity-result-changed" : undefined} title={resultText(item)}>
                  {resultText(item)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore && (
        <button type="button" className="plain-button activity-older" disabled={loading} onClick={() => void useActivityStore.getState().loadOlder()}>
          Older runs
        </button>
      )}
    </div>
  );
}
