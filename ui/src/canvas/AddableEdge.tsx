import { memo } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import type { AppEdge } from "../state/flowDocument";
import { useEditorStore } from "../state/editorStore";

/**
 * A connection with a "+" at its middle that opens the add-a-step menu to put a
 * step in between. The run view draws plain edges (it uses React Flow's default type).
 */
export const AddableEdge = memo(function AddableEdge(props: EdgeProps<AppEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data, selected } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} {...(props.style ? { style: props.style } : {})} />
      <EdgeLabelRenderer>
        <div className={`edge-tools nodrag nopan${selected ? " selected" : ""}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
          <button
            type="button"
            className="edge-add"
            data-testid={`edge-add-${id}`}
            aria-label="Insert a step into this connection"
            title="Insert a step here"
            onClick={(event) => {
              event.stopPropagation();
              const rect = event.currentTarget.getBoundingClientRect();
              useEditorStore.getState().openAddMenu({ source, port: data?.port ?? null, target, screen: { x: rect.right, y: rect.bottom } });
            }}
          >
            +
          </button>
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

export const edgeTypes = { addable: AddableEdge };
