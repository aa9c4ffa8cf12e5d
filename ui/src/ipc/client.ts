// The only place the UI talks to Rust. Every command is typed with the bindings generated from
// the Rust types (ui/src/ipc/bindings, written by `cargo run -p flowguard-ipc --bin
// generate-bindings`, checked by a test that fails when they are stale).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { AvailableOutput } from "./bindings/AvailableOutput";
import type { CommandError } from "./bindings/CommandError";
import type { Flow } from "./bindings/Flow";
import type { NodeKindSpec } from "./bindings/NodeKindSpec";
import type { TemplateInfo } from "./bindings/TemplateInfo";
import type { ValidationReport } from "./bindings/ValidationReport";

export type { AppInfo, AvailableOutput, CommandError, Flow, NodeKindSpec, TemplateInfo, ValidationReport };

/** True when running inside the Tauri shell (false in a plain browser or in unit tests). */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

function isCommandError(value: unknown): value is CommandError {
  return typeof value === "object" && value !== null && "kind" in value && "message" in value;
}

/** Turns whatever a command rejected with into an Error whose message a person can read. */
function toError(command: string, reason: unknown): Error {
  if (isCommandError(reason)) return new Error(`${command}: ${reason.message} (${reason.kind})`);
  return new Error(`${command}: ${String(reason)}`);
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
  validateFlow: (flow: Flow) => call<ValidationReport>("validate_flow", { document: JSON.stringify(flow) }),
  availableOutputs: (flow: Flow, nodeId: string) => call<AvailableOutput[]>("available_outputs", { flow, nodeId }),
  listTemplates: () => call<TemplateInfo[]>("list_templates"),
  getTemplate: (name: string) => call<Flow>("get_template", { name }),
};
