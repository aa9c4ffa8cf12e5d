//! Which recent alerts the flow's own trigger would start a run for: the alert trigger's filters
//! (minimum severity, title contains), read the way the engine reads them (engine/src/alerts.rs,
//! `AlertFilter::matches`). Run now preselects the newest alert that passes, so a run on demand
//! gets an input the background engine would also have given the flow. The severities' order is
//! the trigger spec's (the minimum-severity field's enum values, lowest first).
import type { AlertChoice } from "../ipc/client";
import type { FlowDocument } from "../state/flowDocument";
import { findKindSpec } from "../state/kindsStore";

export interface AlertFilter {
  minSeverity: string | null;
  titleContains: string | null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** The trigger's filters, or null when the trigger has none (a manual or schedule trigger, or none set). */
export function triggerAlertFilter(trigger: FlowDocument["trigger"]): AlertFilter | null {
  if (!trigger) return null;
  const filter = { minSeverity: text(trigger.inputs.minSeverity), titleContains: text(trigger.inputs.titleContains) };
  return filter.minSeverity || filter.titleContains ? filter : null;
}

function severityOrder(kind: string): string[] {
  return findKindSpec(kind)?.inputs.find((field) => field.name === "minSeverity")?.enumValues ?? [];
}

/** Whether the alert passes (an unknown severity passes only a filter without a minimum). */
export function passesFilter(alert: AlertChoice, filter: AlertFilter, order: string[]): boolean {
  if (filter.minSeverity) {
    const rank = (severity: string) => order.findIndex((known) => known.toLowerCase() === severity.toLowerCase());
    const actual = rank(alert.severity);
    const wanted = rank(filter.minSeverity);
    if (actual < 0 || wanted < 0 || actual < wanted) return false;
  }
  if (filter.titleContains && !alert.title.toLowerCase().includes(filter.titleContains.toLowerCase())) return false;
  return true;
}

/** The filters in plain words: "severity High or higher, title contains “ransom”". */
export function describeFilter(filter: AlertFilter): string {
  return [filter.minSeverity && `severity ${filter.minSeverity} or higher`, filter.titleContains && `title contains “${filter.titleContains}”`].filter(Boolean).join(", ");
}

/** The first alert (of a newest-first list) that the trigger would start a run for. */
export function firstMatching(alerts: AlertChoice[], trigger: FlowDocument["trigger"]): AlertChoice | undefined {
  const filter = triggerAlertFilter(trigger);
  if (!filter || !trigger) return alerts[0];
  const order = severityOrder(trigger.kind);
  return alerts.find((alert) => passesFilter(alert, filter, order));
}
