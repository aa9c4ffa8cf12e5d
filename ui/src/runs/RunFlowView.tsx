import { memo, useEffect, useMemo, useState } from "react";
import { createPortal } from "react-dom";
import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, type NodeProps, type NodeTypes } from "@xyflow/react";
import type { Flow } from "../ipc/client";
import { documentFromFlow, documentToEdges, documentToNodes, type AppEdge, type AppNode } from "../state/flowDocument";
import { findNodeKind, TRIGGER_KIND_SUMMARY, type NodeKindId } from "../canvas/nodeKinds";
import { NodeIcon } from "../canvas/NodeIcon";
import { PENDING, useRunStore } from "./runStore";
import { RunStatusMark } from "./RunStatusMark";

/** A node of the read-only view: the card without renaming, with the run's status. */
const RunViewNode = memo(function RunViewNode({ id, type, data }: NodeProps<AppNode>) {
  const kind = type === "step" ? (data as { kind: string }).kind : type;
  const info = findNodeKind(kind);
  const run = useRunStore((state) => state.nodes[id] ?? PENDING);
  const summary = type === "trigger" ? (TRIGGER_KIND_SUMMARY[(data as { triggerKind: string }).triggerKind] ?? "") : (info?.title ?? kind);
  return (
    <div className={`flow-node category-${info?.category ?? "unknown"}`} data-testid={`run-view-node-${kind}`} data-run-node-id={id} data-run-status={run.status}>
      {type !== "trigger" && <Handle type="target" position={Position.Left} isConnectable={false} />}
      {type === "condition" ? (
        <>
          <Handle type="source" id="true" position={Position.Right} className="handle-yes" style={{ top: "35%" }} isConnectable={false} />
          <Handle type="source" id="false" position={Position.Right} className="handle-no" style={{ top: "75%" }} isConnectable={false} />
        </>
      ) : (
        <Handle type="source" position={Position.Right} isConnectable={false} />
      )}
      <RunStatusMark run={run} />
      <div className="flow-node-header">
        {info && <NodeIcon kind={info.kind as NodeKindId} />}
        <span className="flow-node-title">{data.title}</span>
        {info?.changesTenant && (
          <span className="shield" title="Changes the tenant" aria-label="Changes the tenant" role="img">
            ⚠
          </span>
        )}
      </div>
      <div className="flow-node-kind">{summary}</div>
    </div>
  );
});

const runViewNodeTypes = { trigger: RunViewNode, step: RunViewNode, condition: RunViewNode } satisfies NodeTypes;

/** The canvas element the view covers (the editor's canvas, found by its test id). */
function useCanvasElement(): HTMLElement | null {
  const [element, setElement] = useState<HTMLElement | null>(null);
  useEffect(() => {
    setElement(document.querySelector<HTMLElement>('[data-testid="canvas"]'));
  }, []);
  return element;
}

/**
 * A flow version (the one a run ran, or one from the Versions tab), read-only, over the editor's
 * canvas, with a banner (`caption`) and a way back to editing. (The editor's own document stays
 * as it is underneath; editing it returns here to editing.)
 */
export function RunFlowView({ flow, caption }: { flow: Flow; caption: string }) {
  const canvas = useCanvasElement();
  const doc = useMemo(() => documentFromFlow(flow), [flow]);
  const nodes = useMemo(() => documentToNodes(doc).map((node) => ({ ...node, draggable: false, selectable: false, deletable: false })), [doc]);
  const edges = useMemo(() => documentToEdges(doc).map((edge) => ({ ...edge, selectable: false, deletable: false })), [doc]);
  const view = (
    <div className="run-flow-view" role="region" aria-label={caption} data-testid="run-flow-view" onDoubleClickCapture={(event) => event.stopPropagation()}>
      <div className="run-flow-banner" role="status">
        <span>{caption}</span>
        <button type="button" className="plain-button" onClick={() => useRunStore.getState().backToEditing()}>
          Back to editing
        </button>
      </div>
      <ReactFlowProvider>
        <ReactFlow<AppNode, AppEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={runViewNodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          colorMode="system"
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1.25 }}
          minZoom={0.2}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls showInteractive={false} aria-label="Zoom controls" />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
  return canvas ? createPortal(view, canvas) : view;
}
