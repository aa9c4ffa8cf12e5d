// The only place the UI talks to Rust. Every command is typed with the bindings generated from
// the Rust types (ui/src/ipc/bindings, written by `cargo run -p flowguard-ipc --bin
// generate-bindings`, checked by a test that fails when they are stale).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { AvailableOutput } from "./bindings/AvailableOutput";
import type { CommandError } from "./bindings/CommandError";
import type { Flow } from "./bindings/Flow";
import type { FlowSummary } from "./bindings/FlowSummary";
import type { FlowVersion } from "./bindings/FlowVersion";
import type { SaveResult } from "./bindings/SaveResult";
import type { StoredFlowView } from "./bindings/StoredFlowView";
import type { NodeKindSpec } from "./bindings/NodeKindSpec";
import type { TemplateInfo } from "./bindings/TemplateInfo";
import type { ValidationReport } from "./bindings/ValidationReport";
import type { AlertChoice } from "./bindings/AlertChoice";
import type { CheckResult } from "./bindings/CheckResult";
import type { DefenderSettingsInput } from "./bindings/DefenderSettingsInput";
import type { EmailPreview } from "./bindings/EmailPreview";
import type { EngineStatus } from "./bindings/EngineStatus";
import type { ImportResult } from "./bindings/ImportResult";
import type { RunDetail } from "./bindings/RunDetail";
import type { RunEventView } from "./bindings/RunEventView";
import type { RunListItem } from "./bindings/RunListItem";
import type { RunRequest } from "./bindings/RunRequest";
import type { SettingsView } from "./bindings/SettingsView";
import type { SmtpSettingsInput } from "./bindings/SmtpSettingsInput";
import type { ActivityPage } from "./bindings/ActivityPage";
import type { BacklogRun } from "./bindings/BacklogRun";
import type { EnableOptions } from "./bindings/EnableOptions";
import type { EnablePreview } from "./bindings/EnablePreview";
import type { EnableResult } from "./bindings/EnableResult";
import type { FlowDiff } from "./bindings/FlowDiff";
import type { FlowVersionView } from "./bindings/FlowVersionView";
import type { PublishResult } from "./bindings/PublishResult";
import type { RunSource } from "./bindings/RunSource";
import type { TenantChange } from "./bindings/TenantChange";
import type { VersionDiff } from "./bindings/VersionDiff";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type {
  AppInfo,
  AvailableOutput,
  CommandError,
  Flow,
  FlowSummary,
  FlowVersion,
  NodeKindSpec,
  SaveResult,
  StoredFlowView,
  TemplateInfo,
  ValidationReport,
  AlertChoice,
  CheckResult,
  DefenderSettingsInput,
  EmailPreview,
  EngineStatus,
  ImportResult,
  RunDetail,
  RunEventView,
  RunListItem,
  RunRequest,
  SettingsView,
  SmtpSettingsInput,
  ActivityPage,
  BacklogRun,
  EnableOptions,
  EnablePreview,
  EnableResult,
  FlowDiff,
  FlowVersionView,
  PublishResult,
  RunSource,
  TenantChange,
  VersionDiff,
};

/** What a flow file import does when a flow with the same id exists. */
export type ImportConflict = "fail" | "replace" | "copy";

/** True when running inside the Tauri shell (false in a plain browser or in unit tests). */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

function isCommandError(value: unknown): value is CommandError {
  return typeof value === "object" && value !== null && "kind" in value && "message" in value;
}

/** An Error from a command, keeping the command error's kind and its plain message. */
export class IpcError extends Error {
  constructor(
    message: string,
    readonly kind: CommandError["kind"] | "unknown",
    readonly detail: string,
  ) {
    super(message);
  }
}

/** Turns whatever a command rejected with into an Error whose message a person can read. */
function toError(command: string, reason: unknown): Error {
  if (isCommandError(reason)) return new IpcError(`${command}: ${reason.message} (${reason.kind})`, reason.kind, reason.message);
  return new IpcError(`${command}: ${String(reason)}`, "unknown", String(reason));
}

/** The part of an error a person should read (the command error's own message when there is one). */
export function errorText(error: unknown): string {
  if (error instanceof IpcError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toError(command, reason);
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  nodeKinds: () => call<NodeKindSpec[]>("node_kinds"),
  availableOutputs: (flow: Flow, nodeId: string) => call<AvailableOutput[]>("available_outputs", { flow, nodeId }),
  listTemplates: () => call<TemplateInfo[]>("list_templates"),
  getTemplate: (name: string) => call<Flow>("get_template", { name }),
  listFlows: () => call<FlowSummary[]>("list_flows"),
  getFlow: (id: string) => call<StoredFlowView>("get_flow", { id }),
  saveFlow: (flow: Flow) => call<SaveResult>("save_flow", { flow }),
  createFlow: (template: string | null, name: string) => call<Flow>("create_flow", { template, name }),
  duplicateFlow: (id: string) => call<Flow>("duplicate_flow", { id }),
  renameFlow: (id: string, name: string) => call<SaveResult>("rename_flow", { id, name }),
  deleteFlow: (id: string) => call<Flow>("delete_flow", { id }),

  // Drafts and publish: saving makes a draft; background runs use the published version.
  /** Makes the draft live; refused (invalid_input, the problems in plain words) while it has errors. */
  publishFlow: (id: string) => call<PublishResult>("publish_flow", { id }),
  /** Every version, newest first, each saying whether it is the published one and/or the draft. */
  flowVersions: (id: string) => call<FlowVersion[]>("flow_versions", { id }),
  getFlowVersion: (id: string, version: number) => call<FlowVersionView>("get_flow_version", { id, version }),
  /** null `from` = the published version (else the first); null `to` = the draft. */
  diffFlowVersions: (id: string, from: number | null, to: number | null) =>
    call<VersionDiff>("diff_flow_versions", { id, from, to }),
  /** Saves an older version's document as a new draft (nothing goes live until Publish). */
  restoreFlowVersion: (id: string, version: number) => call<SaveResult>("restore_flow_version", { id, version }),

  // Switching on starts from now: the backlog is shown first and handled only when asked.
  enablePreview: (id: string) => call<EnablePreview>("enable_preview", { id }),
  /** Queues dry runs of the published version for these backlog alerts; returns their run ids. */
  backlogDryRun: (id: string, alertIds: string[]) => call<BacklogRun[]>("backlog_dry_run", { id, alertIds }),
  /** Turning on needs a published version; `options` handles backlog alerts / the missed tick. */
  setFlowEnabled: (id: string, enabled: boolean, options: EnableOptions | null = null) =>
    call<EnableResult>("set_flow_enabled", { id, enabled, options }),
  /** Every background run of the flow is then a dry run; never changes by itself. */
  setFlowDryRunOnly: (id: string, on: boolean) => call<null>("set_flow_dry_run_only", { id, on }),

  // Background activity: every flow's runs, newest first, and the tenant-changes badge.
  /** `before` is the `nextBefore` of the previous page (null for the newest). */
  listActivity: (before: string | null, limit: number) => call<ActivityPage>("list_activity", { before, limit }),
  markActivitySeen: () => call<null>("mark_activity_seen"),
  unseenActivityCount: () => call<number>("unseen_activity_count"),
  /** Whether a tenant-changing background run raises an OS notification (default on). */
  getNotifyTenantChanges: () => call<boolean>("get_notify_tenant_changes"),
  setNotifyTenantChanges: (enabled: boolean) => call<null>("set_notify_tenant_changes", { enabled }),

  // The engine: runs, history, demo mode.
  engineStatus: () => call<EngineStatus>("engine_status"),
  runFlow: (request: RunRequest) => call<string>("run_flow", { request }),
  listAlerts: () => call<AlertChoice[]>("list_alerts"),
  simulateAlert: (severity: string) => call<AlertChoice>("simulate_alert", { severity }),
  listRuns: (flowId: string, status: string | null, limit: number | null) =>
    call<RunListItem[]>("list_runs", { flowId, status, limit }),
  getRun: (runId: string) => call<RunDetail>("get_run", { runId }),
  rerunRun: (runId: string, fromFailedStep: boolean) => call<string>("rerun_run", { runId, fromFailedStep }),
  cancelRun: (runId: string) => call<boolean>("cancel_run", { runId }),

  // Settings: connections (secrets go to the keychain and never come back) and the tray.
  getSettings: () => call<SettingsView>("get_settings"),
  saveDefenderSettings: (input: DefenderSettingsInput) => call<SettingsView>("save_defender_settings", { input }),
  testDefenderConnection: (input: DefenderSettingsInput) => call<CheckResult>("test_defender_connection", { input }),
  clearDefenderSettings: () => call<SettingsView>("clear_defender_settings"),
  saveSmtpSettings: (input: SmtpSettingsInput | null) => call<SettingsView>("save_smtp_settings", { input }),
  saveGraphSettings: (sender: string | null) => call<SettingsView>("save_graph_settings", { sender }),
  sendTestEmail: (to: string, connection: "smtp" | "graph") => call<CheckResult>("send_test_email", { to, connection }),
  setCloseToTray: (enabled: boolean) => call<null>("set_close_to_tray", { enabled }),

  // The inspector's email preview, rendered against the flow's last run or a sample alert.
  previewEmail: (flow: Flow, nodeId: string) => call<EmailPreview>("preview_email", { flow, nodeId }),

  // Import and export through the OS file dialogs (opened by Rust; null when cancelled).
  exportFlow: (id: string) => call<string | null>("export_flow", { id }),
  pickFlowFile: () => call<string | null>("pick_flow_file"),
  importFlowFile: (path: string, onConflict: ImportConflict) =>
    call<ImportResult>("import_flow_file", { path, onConflict }),
};

/** Listens to the engine's live run events; returns the function that stops listening. */
export function onRunEvent(handler: (event: RunEventView) => void): Promise<UnlistenFn> {
  if (!insideTauri()) return Promise.resolve(() => {});
  return listen<RunEventView>("run-event", (event) => handler(event.payload));
}

/** Listens to changes of the engine's status (demo mode, tenant, stopped). */
export function onEngineStatus(handler: (status: EngineStatus) => void): Promise<UnlistenFn> {
  if (!insideTauri()) return Promise.resolve(() => {});
  return listen<EngineStatus>("engine-status", (event) => handler(event.payload));
}
