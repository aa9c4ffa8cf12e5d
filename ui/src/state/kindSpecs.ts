//! What the canvas reads from a node kind's spec (`NodeKindSpec`, from the Rust registry through
//! `node_kinds`): pure functions, so the palette, the node card, the edges, the layout and the
//! connection rules all ask the spec the same way and no UI code compares kind ids.
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";

/** The kinds a flow can start from (the registry's trigger category). */
export function triggerKinds(kinds: readonly NodeKindSpec[]): NodeKindSpec[] {
  return kinds.filter((spec) => spec.category === "trigger");
}

/** The kinds a step can be (everything but the triggers). */
export function stepKinds(kinds: readonly NodeKindSpec[]): NodeKindSpec[] {
  return kinds.filter((spec) => spec.category !== "trigger");
}

export function isTriggerSpec(spec: NodeKindSpec | undefined): boolean {
  return spec?.category === "trigger";
}

/** The output handles a card draws: one per port, or a single unnamed one (id null). */
export interface OutputHandle {
  /** The port (`true`, `false`), or null for a kind with one output. */
  port: string | null;
  /** How it reads on the card ("Yes"), or null for the single output. */
  label: string | null;
}

export function outputHandles(spec: NodeKindSpec | undefined): OutputHandle[] {
  if (!spec || spec.ports.length === 0) return [{ port: null, label: null }];
  return spec.ports.map((port, index) => ({ port, label: spec.portLabels[index] ?? port }));
}

/** How a port of this kind reads ("Yes" for a condition's `true`); the port itself if unlabelled. */
export function portLabel(spec: NodeKindSpec | undefined, port: string): string {
  const index = spec?.ports.indexOf(port) ?? -1;
  return (index >= 0 ? spec?.portLabels[index] : undefined) ?? port;
}

/** The port a connection from this kind takes when none is named: the first, or none. */
export function firstPort(spec: NodeKindSpec | undefined): string | null {
  return spec?.ports[0] ?? null;
}

/** A reference written in a template (`{{ steps.get_alert.machineId }}`) as the card shows it. */
function readable(text: string): string {
  return text.replace(/\{\{\s*(?:steps\.)?([^}]*?)\s*\}\}/g, "$1").trim();
}

/** One input value as a short text ("" when it is empty). */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return readable(value);
  if (Array.isArray(value)) return value.map((item) => valueText(item)).filter(Boolean).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * The line a card shows under its title: the spec's `cardSummary` with each `{input}` replaced
 * by the node's value of that input (or the field's default). When the summary is empty, or any
 * value it names is empty, the card shows the kind's description instead.
 */
export function cardSummary(spec: NodeKindSpec | undefined, inputs: Readonly<Record<string, JsonValue>>): string {
  if (!spec) return "";
  if (!spec.cardSummary) return spec.description;
  let missing = false;
  const text = spec.cardSummary.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = name in inputs ? inputs[name] : spec.inputs.find((field) => field.name === name)?.default;
    const shown = valueText(value ?? undefined);
    if (!shown) missing = true;
    return shown;
  });
  return missing ? spec.description : text;
}
