import { formatDuration, statusIcon, statusText } from "./format";
import type { NodeRun } from "./runStore";

/**
 * A node's status in the watched run, on its card: a spinner while running, a check, a cross, a
 * skip mark; the duration and the attempts when more than one. The words are always there for
 * screen readers ("status: succeeded").
 */
export function RunStatusMark({ run }: { run: NodeRun }) {
  const details = [
    run.durationMs !== null && run.status !== "skipped" ? formatDuration(run.durationMs) : null,
    run.attempts > 1 ? `${run.attempts} attempts` : null,
  ].filter(Boolean);
  return (
    <span className={`run-mark run-mark-${run.status}`} data-testid="node-run-status" title={[statusText(run.status), ...details].join(" · ")}>
      <span className="run-mark-icon" aria-hidden="true">
        {run.status === "running" ? <span className="run-spinner" /> : statusIcon(run.status)}
      </span>
      {details.length > 0 && (
        <span className="run-mark-detail" aria-hidden="true">
          {details.join(" · ")}
        </span>
      )}
      <span className="run-visually-hidden">status: {run.status}{details.length > 0 ? `, ${details.join(", ")}` : ""}</span>
    </span>
  );
}
