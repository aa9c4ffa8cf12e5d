// The five node kinds the palette offers. The designer issue replaces this table with the node
// kind specs exported from the Rust model crate (one definition drives validation, execution and
// the side panel); until then the palette and the canvas share this single list.

export type NodeCategory = "trigger" | "read" | "decision" | "action" | "notify";

export type NodeKindId = "trigger" | "get_alert" | "condition" | "isolate_machine" | "send_email";

export interface NodeKindInfo {
  kind: NodeKindId;
  title: string;
  category: NodeCategory;
  /** One line shown under the title in the palette. */
  description: string;
  /** Actions that change the tenant carry a shield mark. */
  changesTenant: boolean;
}

export const NODE_KINDS: readonly NodeKindInfo[] = [
  {
    kind: "trigger",
    title: "Trigger",
    category: "trigger",
    description: "New Defender alert, a schedule, or Run now",
    changesTenant: false,
  },
  {
    kind: "get_alert",
    title: "Get Alert",
    category: "read",
    description: "Read an alert's details",
    changesTenant: false,
  },
  {
    kind: "condition",
    title: "Condition",
    category: "decision",
    description: "Branch on a yes/no test",
    changesTenant: false,
  },
  {
    kind: "isolate_machine",
    title: "Isolate Machine",
    category: "action",
    description: "Cut a device off the network",
    changesTenant: true,
  },
  {
    kind: "send_email",
    title: "Send Email",
    category: "notify",
    description: "Email the SOC or an owner",
    changesTenant: false,
  },
];

/** The palette entry of a kind, or undefined for a kind this build does not know. */
export function findNodeKind(kind: string): NodeKindInfo | undefined {
  return NODE_KINDS.find((entry) => entry.kind === kind);
}

export function isNodeKind(value: string): value is NodeKindId {
  return findNodeKind(value) !== undefined;
}

/** How each trigger kind of the Rust model reads on the trigger's card. */
export const TRIGGER_KIND_SUMMARY: Record<string, string> = {
  alert_created: "When a new Defender alert arrives",
  schedule: "On a schedule",
  manual: "When you click Run now",
};

export function nodeKind(kind: NodeKindId): NodeKindInfo {
  const info = NODE_KINDS.find((entry) => entry.kind === kind);
  if (!info) throw new Error(`unknown node kind ${kind}`);
  return info;
}
