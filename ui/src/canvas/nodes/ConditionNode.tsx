import { memo } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { ConditionNodeType } from "../../state/flowDocument";
import { kindSummary, NodeCard } from "./NodeCard";

/** A condition: one input and two labelled outputs, Yes (port "true") above No (port "false"). */
export const ConditionNode = memo(function ConditionNode({ id, data, selected }: NodeProps<ConditionNodeType>) {
  return (
    <NodeCard nodeId={id} kind="condition" title={data.title} summary={kindSummary("condition", data.title)} selected={selected} problems={data.problems}>
      <Handle type="target" position={Position.Left} aria-label="Input" data-testid="handle-in" />
      <Handle type="source" id="true" position={Position.Right} className="handle-yes" style={{ top: "35%" }} aria-label="Yes output" data-testid="handle-true" />
      <Handle type="source" id="false" position={Position.Right} className="handle-no" style={{ top: "75%" }} aria-label="No output" data-testid="handle-false" />
      <span className="port-label port-yes" aria-hidden="true">
        Yes
      </span>
      <span className="port-label port-no" aria-hidden="true">
        No
      </span>
    </NodeCard>
  );
});
