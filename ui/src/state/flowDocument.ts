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
import { findNodeKind, type NodeKindId } from "../canvas/nodeKinds";

/** The trigger's node id, always (the Rust model's `TRIGGER_ID`). */
export const TRIGGER_ID = "trigger";

export type FlowTrigger = BindingTrigger;
export type FlowStep = BindingStep;
export type FlowEdge = BindingEdge;
export type Port = BindingPort;
export type XY = BindingPosition;

/** The part of a flow the canvas edits. */
export type FlowDocument = Pick<Flow, "trigger" | "steps" | "edges" | "layout">;

/** The step kinds the palette offers (every palette kind except the trigger). */
export type StepKindId = Exclude<NodeKindId, "trigger">;

/** The trigger kinds of the Rust model; a new trigger starts as "a new Defender alert". */
export type TriggerKindId = "alert_created" | "schedule" | "manual";
export const DEFAULT_TRIGGER_KIND: TriggerKindId = "alert_created";

export function emptyDocument(): FlowDocument {
  return { trigger: null, steps: [], edges: [], layout: {} };
}

// ---- React Flow side: a discriminated union of node types (xyflow's examples' habit) ----

/** A validation problem shown on a node (view only: never written back to the document). */
export type NodeProblem = Pick<Diagnostic, "message" | "severity" | "field" | "code">;

type ProblemData = { problems?: NodeProblem[] };
export type TriggerNodeData = { title: string; triggerKind: string } & ProblemData;
export type StepNodeData = { title: string; kind: string } & ProblemData;
export type ConditionNodeData = { title: string } & ProblemData;

export type TriggerNodeType = Node<TriggerNodeData, "trigger">;
export type StepNodeType = Node<StepNodeData, "step">;
export type ConditionNodeType = Node<ConditionNodeData, "condition">;
export type AppNode = TriggerNodeType | StepNodeType | ConditionNodeType;
export type AppEdge = ReactFlowEdge<{ port?: Port }>;

/** What the canvas knows about nodes beyond the document: selection and measured sizes. */
export interface CanvasView {
  selectedNodeIds: ReadonlySet<string>;
  selectedEdgeIds: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
  /** The last validation's diagnostics (from the Rust model), if any. */
  diagnostics?: readonly Diagnostic[];
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

export const PORT_LABEL: Record<Port, string> = { true: "Yes", false: "No" };

const ORIGIN: XY = { x: 0, y: 0 };

/** All node ids of a document, the trigger first. */
export function nodeIds(doc: FlowDocument): string[] {
  return [...(doc.trigger ? [TRIGGER_ID] : []), ...doc.steps.map((step) => step.id)];
}

/** The palette kind of a node id (`trigger` for the trigger), or undefined if there is no such node. */
export function kindOfNode(doc: FlowDocument, id: string): string | undefined {
  if (id === TRIGGER_ID) return doc.trigger ? "trigger" : undefined;
  return doc.steps.find((step) => step.id === id)?.kind;
}

/** Document → React Flow nodes, with the view's selection and measured sizes applied. */
export function documentToNodes(doc: FlowDocument, view: CanvasView = EMPTY_VIEW): AppNode[] {
  const problems = problemsByNode(view.diagnostics);
  const withProblems = (id: string) => (problems.has(id) ? { problems: problems.get(id) } : {});
  const common = (id: string, kind: string, title: string) => ({
    id,
    ariaLabel: `${findNodeKind(kind)?.title ?? kind}: ${title}`,
    position: doc.layout[id] ?? ORIGIN,
    selected: view.selectedNodeIds.has(id),
    ...(view.measured[id] ? { measured: view.measured[id] } : {}),
  });
  const nodes: AppNode[] = [];
  if (doc.trigger) {
    nodes.push({
      ...common(TRIGGER_ID, "trigger", doc.trigger.title),
      type: "trigger",
      deletable: true,
      data: { title: doc.trigger.title, triggerKind: doc.trigger.kind, ...withProblems(TRIGGER_ID) },
    });
  }
  for (const step of doc.steps) {
    if (step.kind === "condition") {
      nodes.push({ ...common(step.id, step.kind, step.title), type: "condition", data: { title: step.title, ...withProblems(step.id) } });
    } else {
      nodes.push({ ...common(step.id, step.kind, step.title), type: "step", data: { title: step.title, kind: step.kind, ...withProblems(step.id) } });
    }
  }
  return nodes;
}

/** Document → React Flow edges. Condition edges carry their port as the source handle and a label. */
export function documentToEdges(doc: FlowDocument, view: CanvasView = EMPTY_VIEW): AppEdge[] {
  return doc.edges.map((edge) => {
    const id = edgeId(edge);
    return {
      id,
      source: edge.from,
      target: edge.to,
      sourceHandle: edge.port ?? null,
      type: "default",
      markerEnd: { type: MarkerType.ArrowClosed },
      selected: view.selectedEdgeIds.has(id),
      ...(edge.port ? { label: PORT_LABEL[edge.port], data: { port: edge.port }, className: `edge-port-${edge.port}` } : {}),
    };
  });
}

/**
 * React Flow nodes and edges → document. `previous` supplies what the nodes do not carry (the
 * trigger's and steps' inputs); nodes that are new to it start with empty inputs.
 */
export function nodesToDocument(nodes: readonly AppNode[], edges: readonly AppEdge[], previous: FlowDocument = emptyDocument()): FlowDocument {
  const previousSteps = new Map(previous.steps.map((step) => [step.id, step]));
  let trigger: FlowTrigger | null = null;
  const steps: FlowStep[] = [];
  const layout: Record<string, XY> = {};
  for (const node of nodes) {
    layout[node.id] = { x: node.position.x, y: node.position.y };
    switch (node.type) {
      case "trigger":
        trigger = { kind: node.data.triggerKind, title: node.data.title, inputs: previous.trigger?.inputs ?? {} };
        break;
      case "condition":
        steps.push({ id: node.id, kind: "condition", title: node.data.title, inputs: previousSteps.get(node.id)?.inputs ?? {} });
        break;
      case "step":
        steps.push({ id: node.id, kind: node.data.kind, title: node.data.title, inputs: previousSteps.get(node.id)?.inputs ?? {} });
        break;
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
