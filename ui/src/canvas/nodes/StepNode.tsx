import { memo } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { StepNodeType } from "../../state/flowDocument";
import { kindSummary, NodeCard } from "./NodeCard";

/** A step with one input and one output: get alert, isolate machine, send email. */
export const StepNode = memo(function StepNode({ id, data, selected }: NodeProps<StepNodeType>) {
  return (
    <NodeCard nodeId={id} kind={data.kind} title={data.title} summary={kindSummary(data.kind, data.title)} selected={selected} problems={data.problems}>
      <Handle type="target" position={Position.Left} aria-label="Input" data-testid="handle-in" />
      <Handle type="source" position={Position.Right} aria-label="Output" data-testid="handle-out" />
    </NodeCard>
  );
});
