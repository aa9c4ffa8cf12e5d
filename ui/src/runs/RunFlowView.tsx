import { useEffect, useMemo, useState } from "react";
import { createPortal } from "react-dom";
import { Background, Controls, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import type { Flow } from "../ipc/client";
import { documentFromFlow, documentToEdges, documentToNodes, EMPTY_VIEW, type AppEdge, type AppNode } from "../state/flowDocument";
import { nodeTypes } from "../canvas/nodeTypes";
import { CardDirection } from "../canvas/nodes/cardDirection";
import { inferDirection } from "../state/layout";
import { useKindsStore } from "../state/kindsStore";
import { useTheme } from "../state/theme";
import { useRunStore } from "./runStore";

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
  const kinds = useKindsStore((state) => state.kinds);
  const colorMode = useTheme((state) => state.theme);
  // The editor's node card, read-only: it shows the viewed run's status and cannot be renamed or connected.
  const nodes = useMemo(
    () => documentToNodes(doc, { ...EMPTY_VIEW, kinds }).map((node) => ({ ...node, data: { ...node.data, readOnly: true }, draggable: false, selectable: false, deletable: false })),
    [doc, kinds],
  );
  const edges = useMemo(() => documentToEdges(doc, { ...EMPTY_VIEW, kinds }).map((edge) => ({ ...edge, selectable: false, deletable: false })), [doc, kinds]);
  const view = (
    <div className="run-flow-view" role="region" aria-label={caption} data-testid="run-flow-view" onDoubleClickCapture={(event) => event.stopPropagation()}>
      <div className="run-flow-banner" role="status">
        <span>{caption}</span>
        <button type="button" className="plain-button" onClick={() => useRunStore.getState().backToEditing()}>
          Back to editing
        </button>
      </div>
      <CardDirection.Provider value={inferDirection(doc, "LR")}>
      <ReactFlowProvider>
        <ReactFlow<AppNode, AppEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          colorMode={colorMode}
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
      </CardDirection.Provider>
    </div>
  );
  return canvas ? createPortal(view, canvas) : view;
}
