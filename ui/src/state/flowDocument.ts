//! The flow being edited, as a document, and its conversion to and from React Flow nodes and edges.
//!
//! THE ONE PLACE FOR FLOW TYPES: the document types below are aliases of the TypeScript bindings
//! generated from the Rust flow model (ui/src/ipc/bindings/Flow.ts and friends). The editor keeps
//! only the parts of a flow the canvas edits (trigger, steps, edges, layout); the flow's name, id,
//! schema and enabled switch belong to whoever saves it. If the Rust type changes shape, adapt
//! these aliases and the two conversion functions here, and nothing else in the canvas.
//!
//! Positions live in `layout`, apart from the semantics (trigger, steps, edges), exactly like the
//! Rust format: moving a node never changes what a run does. This module leaves out validation
//! (the Rust model reports every problem) and the connection rules (see connectionRules.ts).
import { MarkerType, type Edge as ReactFlowEdge, type Node } from "@xyflow/react";
import type { Diagnostic } from "../ipc/bindings/Diagnostic";
import type { Edge as BindingEdge } from "../ipc/bindings/Edge";
import type { Flow } from "../ipc/bindings/Flow";
import type { Port as BindingPort } from "../ipc/bindings/Port";
import type { Position as BindingPosition } from "../ipc/bindings/Position";
import type { Step as BindingStep } from "../ipc/bindings/Step";
import type { Trigger as BindingTrigger } from "../ipc/bindings/Trigger";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import { portLabel } from "./kindSpecs";

/** The trigger's node id, always (the Rust model's `TRIGGER_ID`). */
export const TRIGGER_ID = "trigger";

export type FlowTrigger = BindingTrigger;
export type FlowStep = BindingStep;
export type FlowEdge = BindingEdge;
export type Port = BindingPort;
export type XY = BindingPosition;

/** The part of a flow the canvas edits. */
export type FlowDocument = Pick<Flow, "trigger" | "steps" | "edges" | "layout">;


export function emptyDocument(): FlowDocument {
  return { trigger: null, steps: [], edges: [], layout: {} };
}

// ---- React Flow side: every node is one card (canvas/nodes/NodeCard.tsx) drawn from its kind's spec ----

/** A validation problem shown on a node (view only: never written back to the document). */
export type NodeProblem = Pick<Diagnostic, "message" | "severity" | "field" | "code">;

/** What a card needs: its kind (the spec says the rest), title and inputs (for its summary). */
export type FlowNodeData = {
  kind: string;
  title: string;
  inputs: Record<string, JsonValue>;
  problems?: NodeProblem[];
  /** The run view's cards: no renaming, no connecting, the viewed run's status. */
  readOnly?: boolean;
  /** Ports nothing is connected to: a run that takes one ends that path there. */
  openPorts?: string[];
};

/** The trigger's node is of type "trigger" (it has no input); every step's is "step". */
export type AppNode = Node<FlowNodeData, "trigger" | "step">;
export type AppEdge = ReactFlowEdge<{ port?: Port }>;

/** What the canvas knows about nodes beyond the document: selection and measured sizes. */
export interface CanvasView {
  selectedNodeIds: ReadonlySet<string>;
  selectedEdgeIds: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
  /** The last validation's diagnostics (from the Rust model), if any. */
  diagnostics?: readonly Diagnostic[];
  /** The node kind specs (for accessible names and port labels); none: ids are shown. */
  kinds?: readonly NodeKindSpec[];
}

export const EMPTY_VIEW: CanvasView = { selectedNodeIds: new Set(), selectedEdgeIds: new Set(), measured: {} };

/** The diagnostics grouped by node id (document-level ones, without a node, are left out). */
export function problemsByNode(diagnostics: readonly Diagnostic[] = []): Map<string, NodeProblem[]> {
  const byNode = new Map<string, NodeProblem[]>();
  for (const { nodeId, message, severity, field, code } of diagnostics) {
    if (nodeId === null) continue;
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), { message, severity, field, code }]);
  }
  return byNode;
}

/** A stable id for an edge: one edge per (from, port, to). */
export function edgeId(edge: FlowEdge): string {
  return `${edge.from}${edge.port ? `:${edge.port}` : ""}->${edge.to}`;
}

export function isPort(value: unknown): value is Port {
  return value === "true" || value === "false";
}

const ORIGIN: XY = { x: 0, y: 0 };

/** All node ids of a document, the trigger first. */
export function nodeIds(doc: FlowDocument): string[] {
  return [...(doc.trigger ? [TRIGGER_ID] : []), ...doc.steps.map((step) => step.id)];
}

/** The kind of a node id (the trigger's kind for the trigger), or undefined if there is no such node. */
export function kindOfNode(doc: FlowDocument, id: string): string | undefined {
  if (id === TRIGGER_ID) return doc.trigger?.kind;
  return doc.steps.find((step) => step.id === id)?.kind;
}

/** The spec of a node's kind, if the node exists and its kind is known. */
export function specOfNode(doc: FlowDocument, id: string, kinds: readonly NodeKindSpec[]): NodeKindSpec | undefined {
  const kind = kindOfNode(doc, id);
  return kind === undefined ? undefined : kinds.find((spec) => spec.kind === kind);
}

/** A node's title (the trigger's or a step's), or its id when it has none. */
export function titleOfNode(doc: FlowDocument, id: string): string {
  if (id === TRIGGER_ID) return doc.trigger?.title ?? "the trigger";
  return doc.steps.find((step) => step.id === id)?.title ?? id;
}

/** Document → React Flow nodes, with the view's selection and measured sizes applied. */
export function documentToNodes(doc: FlowDocument, view: CanvasView = EMPTY_VIEW): AppNode[] {
  const problems = problemsByNode(view.diagnostics);
  const kindTitle = (kind: string) => view.kinds?.find((spec) => spec.kind === kind)?.title ?? kind;
  const node = (id: string, type: AppNode["type"], part: FlowTrigger | FlowStep): AppNode => ({
    id,
    type,
    ariaLabel: `${kindTitle(part.kind)}: ${part.title}`,
    position: doc.layout[id] ?? ORIGIN,
    selected: view.selectedNodeIds.has(id),
    ...(view.measured[id] ? { measured: view.measured[id] } : {}),
    data: { kind: part.kind, title: part.title, inputs: part.inputs, ...(problems.has(id) ? { problems: problems.get(id) } : {}), ...openPortsOf(id, part.kind) },
  });
  const openPortsOf = (id: string, kind: string) => {
    const ports = view.kinds?.find((spec) => spec.kind === kind)?.ports ?? [];
    const open = ports.filter((port) => !doc.edges.some((edge) => edge.from === id && edge.port === port));
    return open.length > 0 ? { openPorts: open } : {};
  };
  return [...(doc.trigger ? [node(TRIGGER_ID, "trigger", doc.trigger)] : []), ...doc.steps.map((step) => node(step.id, "step", step))];
}

/** Document → React Flow edges. An edge from a port carries it as the source handle. */
export function documentToEdges(doc: FlowDocument, view: CanvasView = EMPTY_VIEW): AppEdge[] {
  return doc.edges.map((edge) => {
    const id = edgeId(edge);
    const source = edge.port ? specOfNode(doc, edge.from, view.kinds ?? []) : undefined;
    return {
      id,
      source: edge.from,
      target: edge.to,
      sourceHandle: edge.port ?? null,
      type: "default",
      markerEnd: { type: MarkerType.ArrowClosed },
      selected: view.selectedEdgeIds.has(id),
      // A port's edge is coloured by its port; the card labels the port ("Yes"), and the edge's
      // accessible name says it too.
      ...(edge.port
        ? { ariaLabel: `${titleOfNode(doc, edge.from)} (${portLabel(source, edge.port)}) to ${titleOfNode(doc, edge.to)}`, data: { port: edge.port }, className: `edge-port-${edge.port}` }
        : {}),
    };
  });
}

/**
 * React Flow nodes and edges → document. `previous` supplies the inputs (the nodes carry a copy
 * for their summary only); nodes that are new to it keep the inputs they carry.
 */
export function nodesToDocument(nodes: readonly AppNode[], edges: readonly AppEdge[], previous: FlowDocument = emptyDocument()): FlowDocument {
  const previousSteps = new Map(previous.steps.map((step) => [step.id, step]));
  let trigger: FlowTrigger | null = null;
  const steps: FlowStep[] = [];
  const layout: Record<string, XY> = {};
  for (const node of nodes) {
    layout[node.id] = { x: node.position.x, y: node.position.y };
    const { kind, title } = node.data;
    if (node.type === "trigger") {
      trigger = { kind, title, inputs: previous.trigger?.inputs ?? node.data.inputs };
    } else {
      steps.push({ id: node.id, kind, title, inputs: previousSteps.get(node.id)?.inputs ?? node.data.inputs });
    }
  }
  const flowEdges = edges.map((edge): FlowEdge => {
    const port = edge.data?.port ?? edge.sourceHandle;
    return isPort(port) ? { from: edge.source, to: edge.target, port } : { from: edge.source, to: edge.target };
  });
  return { trigger, steps, edges: flowEdges, layout };
}

/** The editable part of a flow read from the Rust side (opening a flow or a template). */
export function documentFromFlow(flow: Flow): FlowDocument {
  return structuredClone({ trigger: flow.trigger, steps: flow.steps, edges: flow.edges, layout: flow.layout });
}

/** A flow with the editor's document put back in, keeping its id, name, schema and switch. */
export function flowWithDocument(flow: Flow, doc: FlowDocument): Flow {
  return { ...flow, ...structuredClone(doc) };
}
