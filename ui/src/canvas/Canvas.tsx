import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from "react";
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type OnConnectEnd,
} from "@xyflow/react";
import { nodeTypes } from "./nodeTypes";
import { edgeTypes } from "./AddableEdge";
import { NodeMenu } from "./NodeMenu";
import { CardDirection } from "./nodes/cardDirection";
import { useCompactWindow } from "./useCompactWindow";
import { CanvasNotice } from "./CanvasNotice";
import { CanvasToolbar } from "./CanvasToolbar";
import { ShortcutOverlay } from "./ShortcutOverlay";
import { useEditorShortcuts } from "./useEditorShortcuts";
import { useStableNodes } from "./useStableNodes";
import { Palette, PALETTE_DRAG_TYPE } from "../palette/Palette";
import { useEditorStore } from "../state/editorStore";
import { connectionProblem, type ProposedConnection } from "../state/connectionRules";
import { documentToEdges, documentToNodes, type AppEdge, type AppNode } from "../state/flowDocument";
import { DEFAULT_NODE_SIZE, type LayoutDirection } from "../state/layout";
import { findKindSpec, useKindsStore } from "../state/kindsStore";
import { isTriggerSpec } from "../state/kindSpecs";
import { useTheme } from "../state/theme";

/** Minimap nodes take their kind's category colour (styles.css). */
function minimapNodeClass(node: AppNode): string {
  return `minimap-node category-${findKindSpec(node.data.kind)?.category ?? "unknown"}`;
}

/**
 * Zoom to fit, but never below the zoom at which a card's text stays readable (0.7 of its size:
 * 12 px type reads at about 8.5 px); a flow bigger than the view then scrolls instead.
 */
export const READABLE_ZOOM = 0.7;
export const FIT_OPTIONS = { padding: 0.15, duration: 200, maxZoom: 1.25, minZoom: READABLE_ZOOM };

/** The connection React Flow was dragging when the pointer let go, turned source → target. */
function finalConnection(state: FinalConnectionState): ProposedConnection | null {
  if (!state.fromNode || !state.toNode) return null;
  if (state.fromHandle?.type === "target") {
    return { source: state.toNode.id, target: state.fromNode.id, sourceHandle: state.toHandle?.id ?? null };
  }
  return { source: state.fromNode.id, target: state.toNode.id, sourceHandle: state.fromHandle?.id ?? null };
}

interface CanvasProps {
  /** Shown above the palette in the left column (the flows list). */
  sidebar?: ReactNode;
  /** Shown right of the canvas (the inspector). */
  inspector?: ReactNode;
}

function CanvasInner({ sidebar, inspector }: CanvasProps) {
  const doc = useEditorStore((state) => state.doc);
  const selectedNodeIds = useEditorStore((state) => state.selectedNodeIds);
  const selectedEdgeIds = useEditorStore((state) => state.selectedEdgeIds);
  const measured = useEditorStore((state) => state.measured);
  const diagnostics = useEditorStore((state) => state.diagnostics);
  const applyNodeChanges = useEditorStore((state) => state.applyNodeChanges);
  const applyEdgeChanges = useEditorStore((state) => state.applyEdgeChanges);
  const addNode = useEditorStore((state) => state.addNode);
  const connect = useEditorStore((state) => state.connect);
  const tidyStore = useEditorStore((state) => state.tidy);
  const addAfter = useEditorStore((state) => state.addAfter);
  const direction = useEditorStore((state) => state.direction);
  const kinds = useKindsStore((state) => state.kinds);
  const compact = useCompactWindow();
  const colorMode = useTheme((state) => state.theme);
  const { screenToFlowPosition, fitView } = useReactFlow<AppNode, AppEdge>();
  const canvasElement = useRef<HTMLElement>(null);

  const view = useMemo(() => ({ selectedNodeIds, selectedEdgeIds, measured, diagnostics, kinds }), [selectedNodeIds, selectedEdgeIds, measured, diagnostics, kinds]);
  const nodes = useStableNodes(useMemo(() => documentToNodes(doc, view), [doc, view]));
  const edges = useMemo(() => documentToEdges(doc, view).map((edge) => ({ ...edge, type: "addable" })), [doc, view]);

  const fit = useCallback(() => void fitView(FIT_OPTIONS), [fitView]);
  const tidy = useCallback(
    (towards?: LayoutDirection) => {
      tidyStore(towards);
      // Wait a frame so React Flow has the new positions before it fits them.
      window.requestAnimationFrame(() => void fitView(FIT_OPTIONS));
    },
    [tidyStore, fitView],
  );
  useEditorShortcuts({ fit, tidy: () => tidy() });

  // A newly opened flow is shown whole (after React Flow has measured its nodes).
  const loadCount = useEditorStore((state) => state.loadCount);
  useEffect(() => {
    if (loadCount === 0) return;
    const timer = window.setTimeout(() => void fitView(FIT_OPTIONS), 60);
    return () => window.clearTimeout(timer);
  }, [loadCount, fitView]);

  /** A node near the middle of what is visible. */
  const addAtCentre = useCallback(
    (kind: string) => {
      const rect = canvasElement.current?.getBoundingClientRect();
      const centre = rect
        ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
        : { x: 0, y: 0 };
      addNode(kind, { x: Math.round(centre.x - DEFAULT_NODE_SIZE.width / 2), y: Math.round(centre.y - DEFAULT_NODE_SIZE.height / 2) });
    },
    [addNode, screenToFlowPosition],
  );

  /**
   * Click or Enter on a palette entry: with one step (or the trigger) selected, the new step goes
   * after it, connected; otherwise near the middle of what is visible.
   */
  const addFromPalette = useCallback(
    (kind: string) => {
      const { selectedNodeIds: selection } = useEditorStore.getState();
      const [only] = selection.size === 1 ? [...selection] : [];
      if (only && !isTriggerSpec(findKindSpec(kind))) addAfter(kind, only, null);
      else addAtCentre(kind);
    },
    [addAfter, addAtCentre],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!findKindSpec(kind)) return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      if (!Number.isFinite(at.x) || !Number.isFinite(at.y)) {
        addAtCentre(kind);
        return;
      }
      addNode(kind, { x: Math.round(at.x - DEFAULT_NODE_SIZE.width / 2), y: Math.round(at.y - DEFAULT_NODE_SIZE.height / 2) });
    },
    [addNode, addAtCentre, screenToFlowPosition],
  );

  const isValidConnection = useCallback(
    (connection: AppEdge | Connection | Edge) => connectionProblem(useEditorStore.getState().doc, connection) === null,
    [],
  );
  const onConnect = useCallback((connection: Connection) => void connect(connection), [connect]);
  const onConnectEnd: OnConnectEnd = useCallback((_event, state) => {
    // A refused drop: say why. (Accepted ones arrive through onConnect.)
    if (state.isValid !== false) return;
    const proposed = finalConnection(state);
    const store = useEditorStore.getState();
    const problem = proposed && connectionProblem(store.doc, proposed);
    if (problem) store.showNotice(problem);
  }, []);

  // Below COMPACT_WIDTH the side panels fold away: the left one opens from a button, the
  // inspector slides in when a node is selected (and closes with its button).
  const [leftOpen, setLeftOpen] = useState(false);
  const [rightOpen, setRightOpen] = useState(false);
  const selectedOne = selectedNodeIds.size === 1 ? [...selectedNodeIds][0] : undefined;
  useEffect(() => {
    setRightOpen(selectedOne !== undefined);
  }, [selectedOne]);

  const hasTrigger = doc.trigger !== null;
  const isEmpty = nodes.length === 0;
  const panels = compact ? ` compact${leftOpen ? " left-open" : ""}${rightOpen && inspector ? " right-open" : ""}` : "";
  return (
    <div className={`workspace${inspector ? " with-inspector" : ""}${panels}`} data-testid="workspace">
      {compact && (
        <div className="panel-toggles" role="group" aria-label="Side panels">
          <button type="button" className="tool-button panel-toggle" aria-expanded={leftOpen} data-testid="toggle-left-panel" onClick={() => setLeftOpen((open) => !open)}>
            {leftOpen ? "✕ Close" : "☰ Flows & steps"}
          </button>
          {inspector && (
            <button type="button" className="tool-button panel-toggle" aria-expanded={rightOpen} data-testid="toggle-inspector" onClick={() => setRightOpen((open) => !open)}>
              {rightOpen ? "Close panel ✕" : "Side panel ▸"}
            </button>
          )}
        </div>
      )}
      <div className="left-column">
        {sidebar}
        <Palette onAdd={addFromPalette} hasTrigger={hasTrigger} />
      </div>
      <CardDirection.Provider value={direction}>
      <main ref={canvasElement} className="canvas" data-testid="canvas" aria-label="Flow canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<AppNode, AppEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={applyNodeChanges}
          onEdgesChange={applyEdgeChanges}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={["Shift", "Meta", "Control"]}
          colorMode={colorMode}
          defaultViewport={{ x: 40, y: 40, zoom: 1 }}
          minZoom={0.2}
          maxZoom={2}
          snapToGrid
          snapGrid={[10, 10]}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Panel position="top-left">
            <CanvasToolbar onTidy={tidy} onFit={fit} />
          </Panel>
          <Controls showInteractive={false} aria-label="Zoom controls" />
          {/* On a small window the minimap would cover the flow: it is left out there. */}
          {!compact && <MiniMap pannable zoomable ariaLabel="Minimap" className="minimap" nodeClassName={minimapNodeClass} style={{ width: 160, height: 110 }} />}
        </ReactFlow>
        {isEmpty && (
          <div className="canvas-empty" role="note">
            Drag a node from the palette, or click one, to start a flow. Press ? for shortcuts.
          </div>
        )}
        <CanvasNotice />
      </main>
      </CardDirection.Provider>
      <NodeMenu />
      {inspector}
      <ShortcutOverlay />
    </div>
  );
}

/** The flow canvas with its palette, toolbar, minimap and shortcut list. */
export function Canvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}
