// The canvas's node renderers, defined once at module scope so React Flow never re-creates them.
// Every kind is drawn by the one NodeCard, from its spec; the editor and the run view share this.
import type { NodeTypes } from "@xyflow/react";
import { NodeCard } from "./nodes/NodeCard";

export const nodeTypes = {
  trigger: NodeCard,
  step: NodeCard,
} satisfies NodeTypes;
