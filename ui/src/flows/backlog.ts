//! What a backlog alert's dry run would do, in words, from the run's record.
import type { AlertChoice, RunDetail } from "../ipc/client";
import { findKindSpec } from "../state/kindsStore";
import { errorParts, flowOrder } from "../runs/format";

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * One line per step of the dry run that would have sent something ("Would isolate machine
 * dc-05", "Would send email to soc@contoso.com") or that failed, in the order the flow runs them.
 * Machines are named by the alert's machine name when the step acts on the alert's machine.
 */
export function wouldDo(detail: RunDetail, alert: Pick<AlertChoice, "machineId" | "computerDnsName"> | null): string[] {
  const flow = detail.flow;
  const order = flow ? flowOrder(flow) : detail.steps.map((step) => step.stepId);
  const records = new Map(detail.steps.map((step) => [step.stepId, step]));
  const lines: string[] = [];
  for (const id of order) {
    const record = records.get(id);
    if (!record) continue;
    const step = flow?.steps.find((entry) => entry.id === id);
    const spec = step ? findKindSpec(step.kind) : undefined;
    const verb = (spec?.title ?? step?.kind ?? id).toLowerCase();
    if (record.status === "failed") {
      lines.push(`“${step?.title ?? id}” would fail: ${errorParts(record.error)?.message ?? "an error"}`);
      continue;
    }
    if (record.status !== "succeeded") continue;
    const output = (record.output ?? {}) as Record<string, unknown>;
    if (!spec?.changesTenant && output.dryRun !== true) continue;
    const machineId = text(output.machineId);
    const recipients = Array.isArray(output.recipients) ? output.recipients.map(text).filter(Boolean) : [];
    let target = "";
    if (machineId) target = alert?.machineId === machineId && alert.computerDnsName ? alert.computerDnsName : machineId;
    else if (recipients.length > 0) target = `to ${recipients.join(", ")}`;
    lines.push(`Would ${verb}${target ? ` ${target}` : ""}`);
  }
  return lines;
}
