//! Tidy layout: a layered arrangement, top to bottom or left to right, no dependency needed.
//!
//! Each node's column is its longest path from a root (the trigger, or any node nothing leads
//! into), so every edge points rightwards. Within a column a node sits level with its parent; a
//! condition's Yes branch continues straight on and its No branch goes one row below, so Yes is
//! always above No. A node with several parents takes the lowest of the places they offer, so a
//! branch that rejoins (No → email, isolate → email) stays below the Yes path instead of being
//! drawn through it. Nodes that would overlap are pushed down. Nodes caught in a cycle (only
//! possible in a hand-edited document) are placed in a last column. Crossing minimisation beyond
//! that is left out: flows here are short.
import { nodeIds, TRIGGER_ID, type FlowDocument, type XY } from "./flowDocument";

export const LAYOUT_COLUMN_GAP = 110;
export const LAYOUT_ROW_GAP = 40;
export const DEFAULT_NODE_SIZE = { width: 200, height: 64 };

type Sizes = Readonly<Record<string, { width: number; height: number }>>;

/** The layer (column) of every node: its longest path from a root. */
export function layers(doc: FlowDocument): Map<string, number> {
  const ids = nodeIds(doc);
  const known = new Set(ids);
  const edges = doc.edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  const incoming = new Map(ids.map((id) => [id, 0]));
  for (const edge of edges) incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + 1);
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => incoming.get(id) === 0);
  const done = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift() as string;
    done.add(id);
    for (const edge of edges) {
      if (edge.from !== id) continue;
      layer.set(edge.to, Math.max(layer.get(edge.to) ?? 0, (layer.get(id) ?? 0) + 1));
      const left = (incoming.get(edge.to) ?? 0) - 1;
      incoming.set(edge.to, left);
      if (left === 0) queue.push(edge.to);
    }
  }
  const deepest = Math.max(0, ...[...done].map((id) => layer.get(id) ?? 0));
  for (const id of ids) if (!done.has(id)) layer.set(id, deepest + 1);
  return layer;
}

/** Which way a flow reads: top to bottom (the default for new flows) or left to right. */
export type LayoutDirection = "TB" | "LR";
export const DEFAULT_DIRECTION: LayoutDirection = "TB";

/**
 * The direction a document is drawn in, read from its layout: the trigger's first successor below
 * it means top to bottom, beside it left to right; a flow with nothing to compare is `fallback`.
 */
export function inferDirection(doc: FlowDocument, fallback: LayoutDirection = DEFAULT_DIRECTION): LayoutDirection {
  for (const edge of doc.edges) {
    const from = doc.layout[edge.from];
    const to = doc.layout[edge.to];
    if (!from || !to) continue;
    const dx = Math.abs(to.x - from.x);
    const dy = Math.abs(to.y - from.y);
    if (dx === dy) continue;
    return dy > dx ? "TB" : "LR";
  }
  return fallback;
}

/**
 * New positions for every node of the document. Left to right, layers are columns and a second
 * port's branch goes one row below; top to bottom, layers are rows and it goes one column right.
 */
export function tidyLayout(doc: FlowDocument, sizes: Sizes = {}, direction: LayoutDirection = "LR"): Record<string, XY> {
  const size = (id: string) => sizes[id] ?? DEFAULT_NODE_SIZE;
  // "along" is the way edges point (x for LR, y for TB); "across" is where siblings stack.
  const alongSize = (id: string) => (direction === "LR" ? size(id).width : size(id).height);
  const acrossSize = (id: string) => (direction === "LR" ? size(id).height : size(id).width);
  const alongGap = direction === "LR" ? LAYOUT_COLUMN_GAP : LAYOUT_ROW_GAP + 30;
  const acrossGap = direction === "LR" ? LAYOUT_ROW_GAP : LAYOUT_COLUMN_GAP / 2;
  const layerOf = layers(doc);
  const layerCount = Math.max(-1, ...layerOf.values()) + 1;
  const columns: string[][] = Array.from({ length: layerCount }, () => []);
  // Document order (trigger first) breaks ties, so the result is deterministic.
  for (const id of nodeIds(doc)) columns[layerOf.get(id) ?? 0]?.push(id);

  const acrossStep = (id: string) => acrossSize(id) + acrossGap;
  const across: Record<string, number> = {};
  const result: Record<string, XY> = {};
  let along = 0;
  let nextFreeRoot = 0;
  for (const column of columns) {
    const wanted = column.map((id, index) => {
      const parents = doc.edges.filter((edge) => edge.to === id && across[edge.from] !== undefined && (layerOf.get(edge.from) ?? 0) < (layerOf.get(id) ?? 0));
      if (parents.length === 0) {
        // A root: the trigger first, other roots beyond everything placed so far.
        return { id, at: id === TRIGGER_ID ? 0 : nextFreeRoot, order: index };
      }
      // The model's ports are `true` and `false`: the second (No) branch is offset by one step.
      const offers = parents.map((edge) => (across[edge.from] as number) + (edge.port === "false" ? acrossStep(edge.from) : 0));
      return { id, at: Math.max(...offers), order: index };
    });
    wanted.sort((a, b) => a.at - b.at || a.order - b.order);
    let floor = -Infinity;
    let deepest = 0;
    for (const entry of wanted) {
      const at = Math.max(entry.at, floor);
      across[entry.id] = at;
      result[entry.id] = direction === "LR" ? { x: along, y: at } : { x: at, y: along };
      floor = at + acrossStep(entry.id);
      deepest = Math.max(deepest, alongSize(entry.id));
      nextFreeRoot = Math.max(nextFreeRoot, floor);
    }
    along += deepest + alongGap;
  }
  return result;
}
