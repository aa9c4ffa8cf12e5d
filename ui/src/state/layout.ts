//! Tidy layout: a layered left-to-right arrangement, no dependency needed.
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

/** New positions for every node of the document. */
export function tidyLayout(doc: FlowDocument, sizes: Sizes = {}): Record<string, XY> {
  const size = (id: string) => sizes[id] ?? DEFAULT_NODE_SIZE;
  const layerOf = layers(doc);
  const columnCount = Math.max(-1, ...layerOf.values()) + 1;
  const columns: string[][] = Array.from({ length: columnCount }, () => []);
  // Document order (trigger first) breaks ties, so the result is deterministic.
  for (const id of nodeIds(doc)) columns[layerOf.get(id) ?? 0]?.push(id);

  const rowStep = (id: string) => size(id).height + LAYOUT_ROW_GAP;
  const result: Record<string, XY> = {};
  let x = 0;
  let nextFreeRoot = 0;
  for (const column of columns) {
    const wanted = column.map((id, index) => {
      const parents = doc.edges.filter((edge) => edge.to === id && result[edge.from] && (layerOf.get(edge.from) ?? 0) < (layerOf.get(id) ?? 0));
      if (parents.length === 0) {
        // A root: the trigger at the top, other roots below everything placed so far.
        const y = id === TRIGGER_ID ? 0 : nextFreeRoot;
        return { id, y, order: index };
      }
      const ys = parents.map((edge) => {
        const parentY = (result[edge.from] as XY).y;
        return edge.port === "false" ? parentY + rowStep(edge.from) : parentY;
      });
      return { id, y: Math.max(...ys), order: index };
    });
    wanted.sort((a, b) => a.y - b.y || a.order - b.order);
    let floor = -Infinity;
    let widest = 0;
    for (const entry of wanted) {
      const y = Math.max(entry.y, floor);
      result[entry.id] = { x, y };
      floor = y + rowStep(entry.id);
      widest = Math.max(widest, size(entry.id).width);
      nextFreeRoot = Math.max(nextFreeRoot, floor);
    }
    x += widest + LAYOUT_COLUMN_GAP;
  }
  return result;
}
