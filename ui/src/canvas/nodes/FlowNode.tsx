import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { nodeKind, type NodeKindId } from "../nodeKinds";
import { NodeIcon } from "../NodeIcon";

export type FlowNodeData = { kind: NodeKindId; title: string };
export type FlowNodeType = Node<FlowNodeData, "flow">;

/** A node card: kind icon and colour, title, and handles (a condition has Yes and No outputs). */
export const FlowNode = memo(function FlowNode({ data, selected }: NodeProps<FlowNodeType>) {
  const info = nodeKind(data.kind);
  return (
    <div
      className={`flow-node category-${info.category}${selected ? " selected" : ""}`}
      data-testid={`node-${data.kind}`}
    >
      {info.category !== "trigger" && <Handle type="target" position={Position.Left} />}
      <div className="flow-node-header">
        <NodeIcon kind={data.kind} />
        <span className="flow-node-title">{data.title}</span>
        {info.changesTenant && (
          <span className="shield" title="Changes the tenant">
            ⚠
          </span>
        )}
      </div>
      <div className="flow-node-kind">{data.title === info.title ? info.description : info.title}</div>
      {info.kind === "condition" ? (
        <>
          <Handle type="source" id="true" position={Position.Right} style={{ top: "35%" }} />
          <Handle type="source" id="false" position={Position.Right} style={{ top: "75%" }} />
          <span className="port-label port-yes">Yes</span>
          <span className="port-label port-no">No</span>
        </>
      ) : (
        <Handle type="source" position={Position.Right} />
      )}
    </div>
  );
});
