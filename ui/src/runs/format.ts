//! Small pure helpers for the run views: durations, times, statuses in words, the flow's step order.
import type { Flow, RunListItem } from "../ipc/client";
import { TRIGGER_ID, type FlowDocument } from "../state/flowDocument";

/** The statuses a run can have (RunListItem.status). */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"] as const;

/** A run (or step) that can still change. */
export function isLive(status: string | undefined): boolean {
  return status === "queued" || status === "running" || status === "pending";
}

/** How a status reads in the UI. */
export function statusText(status: string): string {
  switch (status) {
    case "queued":
      return "Queued";
    case "running":
      return "Running";
    case "succeeded":
      return "Succeeded";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
    case "interrupted":
      return "Interrupted";
    case "skipped":
      return "Skipped";
    case "pending":
      return "Pending";
    default:
      return status;
  }
}

/** The mark shown next to a status (the text always goes with it; colour is never the only cue). */
export function statusIcon(status: string): string {
  switch (status) {
    case "succeeded":
      return "✓";
    case "failed":
      return "✕";
    case "skipped":
      return "↷";
    case "cancelled":
    case "interrupted":
      return "■";
    case "running":
      return "●";
    default:
      return "○";
  }
}

/** How a trigger kind reads in the run panel and the history. */
export function triggerText(kind: string): string {
  switch (kind) {
    case "alert_created":
      return "New alert";
    case "schedule":
      return "Schedule";
    case "manual":
      return "Run now";
    default:
      return kind;
  }
}

/** Why a run exists, in words (RunListItem.source). */
export function sourceText(source: string): string {
  switch (source) {
    case "manual":
      return "Run now";
    case "alert":
      return "New alert";
    case "schedule":
      return "Schedule";
    case "rerun":
      return "Rerun";
    case "backlog":
      return "Earlier alert";
    default:
      return source;
  }
}

/** Runs that started by themselves (not Run now, not a rerun). */
export function isAutomatic(source: string): boolean {
  return source === "alert" || source === "schedule" || source === "backlog";
}

/** What a run changed in the tenant, in words: "Isolate machine · dc-05", or what it did not do. */
export function resultText(run: Pick<RunListItem, "tenantChanges" | "dryRun" | "status">): string {
  if (run.tenantChanges.length > 0) return run.tenantChanges.map((change) => change.label).join("; ");
  if (run.dryRun) return "Dry run: nothing sent";
  if (isLive(run.status)) return "…";
  return "Changed nothing";
}

/** 850 ms, 3.2 s, 2 min 5 s, 1 h 3 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A timestamp (RFC 3339) in the user's locale, short; "—" when missing or unreadable. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** Milliseconds since the epoch, or null. */
export function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? null : value;
}

/** Pretty JSON for the input / output views. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return "";
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A recorded step error as the engine stores it ({code, message, …}) or a plain string. */
export function errorParts(error: unknown): { code: string | null; message: string } | null {
  if (error === null || error === undefined) return null;
  if (typeof error === "string") return { code: null, message: error };
  if (typeof error === "object") {
    const record = error as Record<string, unknown>;
    const code = typeof record.code === "string" ? record.code : null;
    const message = typeof record.message === "string" ? record.message : prettyJson(error);
    return { code, message };
  }
  return { code: null, message: String(error) };
}

/**
 * The node ids of a flow in the order a run goes through them: the trigger first, then the steps
 * in dependency order (ties kept in the document's order), then any step no edge reaches.
 */
export function flowOrder(doc: Pick<Flow, "trigger" | "steps" | "edges"> | FlowDocument): string[] {
  const ids = doc.steps.map((step) => step.id);
  const known = new Set(ids);
  const incoming = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const edge of doc.edges) {
    if (known.has(edge.to) && (known.has(edge.from) || edge.from === TRIGGER_ID)) {
      incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + (edge.from === TRIGGER_ID ? 0 : 1));
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  // Kahn's algorithm, always taking the earliest ready step in document order.
  for (;;) {
    const next = ids.find((id) => !done.has(id) && (incoming.get(id) ?? 0) === 0);
    if (!next) break;
    done.add(next);
    order.push(next);
    for (const edge of doc.edges) {
      if (edge.from === next && known.has(edge.to)) incoming.set(edge.to, (incoming.get(edge.to) ?? 0) - 1);
    }
  }
  // A cycle (a broken flow): the rest in document order.
  for (const id of ids) if (!done.has(id)) order.push(id);
  return [...(doc.trigger ? [TRIGGER_ID] : []), ...order];
}
