import type { AvailableOutput, NodeKindSpec } from "../ipc/client";

export const KINDS: NodeKindSpec[] = [
  {
    kind: "get_alert",
    title: "Get alert",
    description: "Reads an alert.",
    category: "read",
    changesTenant: false,
    inputs: [{ name: "alertId", label: "Alert id", type: "template", required: true, enumValues: [], help: "The alert to read.", default: "{{trigger.alertId}}" }],
    outputs: [],
    ports: [],
  },
  {
    kind: "isolate_machine",
    title: "Isolate machine",
    description: "Isolates a machine.",
    category: "action",
    changesTenant: true,
    inputs: [
      { name: "machineId", label: "Machine id", type: "template", required: true, enumValues: [], help: "The machine to isolate.", default: null },
      { name: "isolationType", label: "Isolation type", type: "enum", required: true, enumValues: ["Full", "Selective"], help: "Full cuts every connection.", default: "Full" },
      { name: "comment", label: "Comment", type: "text", required: false, enumValues: [], help: "Shown in Defender.", default: null },
      { name: "dryRunOnly", label: "Only pretend", type: "bool", required: false, enumValues: [], help: "", default: false },
    ],
    outputs: [],
    ports: [],
  },
  {
    kind: "condition",
    title: "Condition",
    description: "Follows the true or the false branch.",
    category: "decision",
    changesTenant: false,
    inputs: [{ name: "expression", label: "Condition", type: "expression", required: true, enumValues: [], help: "An expression.", default: 'steps.get_alert.severity == "High"' }],
    outputs: [],
    ports: ["true", "false"],
  },
];

export const OUTPUTS: AvailableOutput[] = [
  { sourceNodeId: "trigger", sourceTitle: "New Defender alert", reference: "trigger.alertId", output: { name: "alertId", label: "Alert ID", type: "string", description: "The alert's id.", example: "da637" } },
  { sourceNodeId: "get_alert", sourceTitle: "Get alert", reference: "steps.get_alert.severity", output: { name: "severity", label: "Severity", type: "string", description: "The severity.", example: "High" } },
  { sourceNodeId: "get_alert", sourceTitle: "Get alert", reference: "steps.get_alert.machineId", output: { name: "machineId", label: "Machine ID", type: "string", description: "The machine.", example: "1e5bc9" } },
];
