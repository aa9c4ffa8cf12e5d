import { useCallback, useRef, useState, type DragEvent } from "react";
import {
  addEdge,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type Edge,
} from "@xyflow/react";
import { FlowNode, type FlowNodeType } from "./nodes/FlowNode";
import { nodeKind, NODE_KINDS, type NodeKindId } from "./nodeKinds";
import { Palette, PALETTE_DRAG_TYPE } from "../palette/Palette";

// Defined once at module scope so React Flow never re-creates its node renderers.
const nodeTypes = { flow: FlowNode };

function isNodeKind(value: string): value is NodeKindId {
  return NODE_KINDS.some((info) => info.kind === value);
}

function CanvasInner() {
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNodeType>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const { screenToFlowPosition } = useReactFlow();
  const nextId = useRef(1);
  const [count, setCount] = useState(0);

  const addNode = useCallback(
    (kind: NodeKindId, position?: { x: number; y: number }) => {
      const id = `${kind}_${nextId.current++}`;
      const at = position ?? { x: 60 + (count % 4) * 250, y: 120 + Math.floor(count / 4) * 140 };
      setNodes((current) => [
        ...current,
        { id, type: "flow", position: at, data: { kind, title: nodeKind(kind).title } },
      ]);
      setCount((n) => n + 1);
    },
    [count, setNodes],
  );

  const onConnect = useCallback(
    (connection: Connection) => setEdges((current) => addEdge(connection, current)),
    [setEdges],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const kind = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!isNodeKind(kind)) return;
      addNode(kind, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addNode, screenToFlowPosition],
  );

  return (
    <div className="workspace">
      <Palette onAdd={(kind) => addNode(kind)} />
      <main className="canvas" data-testid="canvas" aria-label="Flow canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          defaultViewport={{ x: 0, y: 0, zoom: 1 }}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls />
          <MiniMap pannable zoomable />
        </ReactFlow>
        {nodes.length === 0 && (
          <div className="canvas-empty" role="note">
            Drag a node from the palette, or click one, to start a flow.
          </div>
        )}
      </main>
    </div>
  );
}

/** The flow canvas with its palette. */
export function Canvas() {
  return (
    <ReactFlowProvider>
      <CanvasInner />
    </ReactFlowProvider>
  );
}
