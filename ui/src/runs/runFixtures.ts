// Test data for the run views: the seed flow as a stored flow, runs and their details.
import type { Flow, FlowSummary, RunDetail, RunListItem } from "../ipc/client";
import type { StepRunView } from "../ipc/bindings/StepRunView";
import { seedDocument } from "../state/testFlows";

export const FLOW_ID = "isolate-on-high";

export function seedFlow(): Flow {
  return { schema: 1, id: FLOW_ID, name: "Isolate on High", description: "", enabled: false, ...seedDocument() };
}

export function summaryOf(flow: Flow, version = 3): FlowSummary {
  return { id: flow.id, name: flow.name, enabled: flow.enabled, version, draftVersion: version, publishedVersion: version, hasUnpublishedChanges: false, dryRunOnly: false, problems: 0, updatedAt: "2026-11-25T08:00:00Z", lastRun: null, nextRunAt: null };
}

export function runItem(id: string, status: string, overrides: Partial<RunListItem> = {}): RunListItem {
  return {
    id,
    flowId: FLOW_ID,
    flowName: "Isolate on High",
    flowVersion: 3,
    status,
    triggerKind: "manual",
    dryRun: true,
    reason: status === "failed" ? "step isolate_machine failed: machine not found" : null,
    createdAt: "2026-11-25T09:00:00Z",
    startedAt: "2026-11-25T09:00:01Z",
    finishedAt: status === "running" ? null : "2026-11-25T09:00:04Z",
    durationMs: status === "running" ? null : 3000,
    alertId: "da638001",
    source: "manual",
    alertTitle: null,
    machineName: null,
    tenantChanges: [],
    ...overrides,
  };
}

export function stepRun(stepId: string, status: string, overrides: Partial<StepRunView> = {}): StepRunView {
  return {
    stepId,
    status,
    attempts: status === "skipped" ? 0 : 1,
    input: status === "skipped" ? null : { step: stepId },
    output: status === "succeeded" ? { ok: true, step: stepId } : null,
    error: null,
    startedAt: status === "skipped" ? null : "2026-11-25T09:00:02Z",
    finishedAt: status === "skipped" ? null : "2026-11-25T09:00:03Z",
    durationMs: status === "skipped" ? null : 420,
    ...overrides,
  };
}

/** A failed run of the seed flow: get_alert and the condition succeeded, isolation failed, the email was skipped. */
export function failedRun(id = "run-1", version = 3): RunDetail {
  return {
    run: runItem(id, "failed", { flowVersion: version }),
    triggerPayload: { alertId: "da638001", alert: { id: "da638001", severity: "High" } },
    rerunOf: null,
    steps: [
      stepRun("get_alert", "succeeded"),
      stepRun("condition", "succeeded"),
      stepRun("isolate_machine", "failed", { attempts: 3, error: { code: "ResourceNotFound", message: "Machine 1e5bc9 was not found" } }),
      stepRun("send_email", "skipped"),
    ],
    flow: { ...seedFlow() },
  };
}
