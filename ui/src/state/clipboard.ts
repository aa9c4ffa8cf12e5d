//! Copy and paste of a selection, as pure functions over the document.
//!
//! A copy holds the selected nodes (with their inputs and positions) and the edges between them;
//! edges to nodes left behind are not copied. Pasting gives every step a fresh id, remaps the
//! copied edges to the new ids, rewrites references among the copied steps (`steps.old.x` in a
//! pasted step's inputs becomes `steps.new.x`; references to steps left behind stay) and offsets
//! the positions so the copy is visible next to the original. The trigger is pasted only when the flow has none (a flow has one trigger). The
//! system clipboard is left out: copies live in the editor while the app runs.
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import { TRIGGER_ID, type FlowDocument, type FlowEdge, type FlowStep, type FlowTrigger, type XY } from "./flowDocument";

export interface ClipboardContent {
  trigger: FlowTrigger | null;
  steps: FlowStep[];
  edges: FlowEdge[];
  layout: Record<string, XY>;
}

export const PASTE_OFFSET = 40;

/** A step id for a new node of this kind: the kind itself, or `kind_2`, `kind_3`… when taken. */
export function freshStepId(kind: string, taken: ReadonlySet<string>): string {
  const base = kind.replace(/[^A-Za-z0-9_-]/g, "_") || "step";
  if (!taken.has(base) && base !== TRIGGER_ID) return base;
  for (let n = 2; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

export function copySelection(doc: FlowDocument, selected: ReadonlySet<string>): ClipboardContent | null {
  const trigger = selected.has(TRIGGER_ID) ? doc.trigger : null;
  const steps = doc.steps.filter((step) => selected.has(step.id));
  if (!trigger && steps.length === 0) return null;
  const kept = new Set([...(trigger ? [TRIGGER_ID] : []), ...steps.map((step) => step.id)]);
  const layout: Record<string, XY> = {};
  for (const id of kept) layout[id] = doc.layout[id] ?? { x: 0, y: 0 };
  return {
    trigger: trigger ? structuredClone(trigger) : null,
    steps: structuredClone(steps),
    edges: doc.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to)).map((edge) => ({ ...edge })),
    layout,
  };
}

/** Every `steps.<id>` in the strings of a value, with the ids in `ids` replaced. */
export function remapReferences(value: JsonValue, ids: ReadonlyMap<string, string>): JsonValue {
  if (typeof value === "string") return value.replace(/\bsteps\.([A-Za-z0-9_-]+)/g, (whole, id: string) => (ids.has(id) ? `steps.${ids.get(id)}` : whole));
  if (Array.isArray(value)) return value.map((item) => remapReferences(item, ids));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === undefined ? item : remapReferences(item, ids)])) as JsonValue;
  }
  return value;
}

export interface PasteResult {
  doc: FlowDocument;
  /** The ids of the pasted nodes, to select them. */
  pastedIds: string[];
  /** Set when the copied trigger was left out because the flow already has one. */
  skippedTrigger: boolean;
}

export function pasteClipboard(doc: FlowDocument, clip: ClipboardContent, offset: XY = { x: PASTE_OFFSET, y: PASTE_OFFSET }): PasteResult {
  const taken = new Set([TRIGGER_ID, ...doc.steps.map((step) => step.id)]);
  const newId = new Map<string, string>();
  const layout = { ...doc.layout };
  const moved = (id: string): XY => {
    const at = clip.layout[id] ?? { x: 0, y: 0 };
    return { x: at.x + offset.x, y: at.y + offset.y };
  };
  let trigger = doc.trigger;
  const skippedTrigger = clip.trigger !== null && doc.trigger !== null;
  if (clip.trigger && !doc.trigger) {
    trigger = structuredClone(clip.trigger);
    newId.set(TRIGGER_ID, TRIGGER_ID);
    layout[TRIGGER_ID] = moved(TRIGGER_ID);
  }
  const steps = [...doc.steps];
  const pasted: FlowStep[] = [];
  for (const step of clip.steps) {
    const id = freshStepId(step.kind, taken);
    taken.add(id);
    newId.set(step.id, id);
    pasted.push({ ...structuredClone(step), id });
    layout[id] = moved(step.id);
  }
  const stepIds = new Map([...newId].filter(([from]) => from !== TRIGGER_ID));
  for (const step of pasted) steps.push({ ...step, inputs: remapReferences(step.inputs, stepIds) as FlowStep["inputs"] });
  const edges = [...doc.edges];
  for (const edge of clip.edges) {
    const from = newId.get(edge.from);
    const to = newId.get(edge.to);
    if (from && to) edges.push({ ...edge, from, to });
  }
  return { doc: { trigger, steps, edges, layout }, pastedIds: [...newId.values()], skippedTrigger };
}
