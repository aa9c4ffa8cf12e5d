import { useEffect, useState } from "react";
import type { FlowSummary } from "../ipc/client";

/** The current time, refreshed every `intervalMs` (relative times like "5 min ago" stay right). */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "just now", "5 min ago", "in 42 s", "in 3 h", "2 d ago". */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = at - now;
  const seconds = Math.abs(diff) / 1000;
  if (diff <= 0 && seconds < 10) return "just now";
  let amount: string;
  if (seconds < 60) amount = `${Math.max(1, Math.round(seconds))} s`;
  else if (seconds < 3600) amount = `${Math.round(seconds / 60)} min`;
  else if (seconds < 86_400) amount = `${Math.round(seconds / 3600)} h`;
  else amount = `${Math.round(seconds / 86_400)} d`;
  return diff < 0 ? `${amount} ago` : `in ${amount}`;
}

function localTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

const RUN_STATUS: Record<string, { icon: string; label: string }> = {
  succeeded: { icon: "✓", label: "Succeeded" },
  failed: { icon: "✕", label: "Failed" },
  running: { icon: "◌", label: "Running" },
  queued: { icon: "…", label: "Queued" },
  cancelled: { icon: "⊘", label: "Cancelled" },
  interrupted: { icon: "⚠", label: "Interrupted" },
};

export function runStatusLabel(status: string): { icon: string; label: string } {
  return RUN_STATUS[status.toLowerCase()] ?? { icon: "•", label: status.charAt(0).toUpperCase() + status.slice(1) };
}

/** A flow's last run (result and when) and its next scheduled run, under its name. */
export function FlowStatusLine({ summary, now }: { summary: FlowSummary; now: number }) {
  const { lastRun, nextRunAt } = summary;
  if (!lastRun && !nextRunAt) return null;
  const status = lastRun ? runStatusLabel(lastRun.status) : null;
  return (
    <div className="flow-item-status" data-testid={`flow-status-${summary.id}`}>
      {lastRun && status && (
        <span className={`flow-last-run run-${lastRun.status.toLowerCase()}`} title={`Last run ${localTime(lastRun.createdAt)}`} data-testid={`flow-last-run-${summary.id}`}>
          <span aria-hidden="true">{status.icon}</span> {status.label} {relativeTime(lastRun.createdAt, now)}
        </span>
      )}
      {lastRun && nextRunAt && <span aria-hidden="true"> · </span>}
      {nextRunAt && (
        <span className="flow-next-run" title={`Next run ${localTime(nextRunAt)}`} data-testid={`flow-next-run-${summary.id}`}>
          {Date.parse(nextRunAt) <= now ? "Next run due now" : `Next ${relativeTime(nextRunAt, now)}`}
        </span>
      )}
    </div>
  );
}
