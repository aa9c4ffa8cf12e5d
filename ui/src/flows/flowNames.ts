//! Two flows may have the same name (a flow is known by its id; the Rust side allows it), but
//! then they are easy to mix up in the sidebar, the activity feed and emails: the UI says so.
import type { FlowSummary } from "../ipc/client";

/** The other flow already called `name` (case and surrounding spaces ignored), if any. */
export function sameNamedFlow(name: string, id: string | null, flows: FlowSummary[]): FlowSummary | undefined {
  const wanted = name.trim().toLocaleLowerCase();
  if (!wanted) return undefined;
  return flows.find((flow) => flow.id !== id && flow.name.trim().toLocaleLowerCase() === wanted);
}

/** The warning shown under a flow's name when another flow has it too, or null. */
export function duplicateNameWarning(name: string, id: string | null, flows: FlowSummary[]): string | null {
  const other = sameNamedFlow(name, id, flows);
  return other ? `Another flow is already called “${other.name}”. Both keep working, but they are easy to mix up: consider another name.` : null;
}
