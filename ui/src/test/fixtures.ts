import type { AvailableOutput, NodeKindSpec } from "../ipc/client";
import { REGISTRY } from "./registry";

/** The node kinds as the Rust registry has them (test/registry.ts). */
export const KINDS: NodeKindSpec[] = [...REGISTRY];

export const OUTPUTS: AvailableOutput[] = [
  { sourceNodeId: "trigger", sourceTitle: "New Defender alert", reference: "trigger.alertId", output: { name: "alertId", label: "Alert ID", type: "string", description: "The alert's id.", example: "da637" } },
  { sourceNodeId: "get_alert", sourceTitle: "Get alert", reference: "steps.get_alert.severity", output: { name: "severity", label: "Severity", type: "string", description: "The severity.", example: "High" } },
  { sourceNodeId: "get_alert", sourceTitle: "Get alert", reference: "steps.get_alert.machineId", output: { name: "machineId", label: "Machine ID", type: "string", description: "The machine.", example: "1e5bc9" } },
];
