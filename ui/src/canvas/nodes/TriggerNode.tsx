import { memo } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { TriggerNodeType } from "../../state/flowDocument";
import { TRIGGER_KIND_SUMMARY } from "../nodeKinds";
import { NodeCard } from "./NodeCard";

/** The trigger: where every run starts, so it has an output and no input. */
export const TriggerNode = memo(function TriggerNode({ id, data, selected }: NodeProps<TriggerNodeType>) {
  return (
    <NodeCard nodeId={id} kind="trigger" title={data.title} summary={TRIGGER_KIND_SUMMARY[data.triggerKind] ?? data.triggerKind} selected={selected} problems={data.problems}>
      <Handle type="source" position={Position.Right} aria-label="Output" data-testid="handle-out" />
    </NodeCard>
  );
});
