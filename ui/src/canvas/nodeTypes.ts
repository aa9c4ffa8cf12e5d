// The canvas's node renderers, defined once at module scope so React Flow never re-creates them.
// The keys are the `type` discriminants of `AppNode` (state/flowDocument.ts).
import type { NodeTypes } from "@xyflow/react";
import { ConditionNode } from "./nodes/ConditionNode";
import { StepNode } from "./nodes/StepNode";
import { TriggerNode } from "./nodes/TriggerNode";

export const nodeTypes = {
  trigger: TriggerNode,
  step: StepNode,
  condition: ConditionNode,
} satisfies NodeTypes;
