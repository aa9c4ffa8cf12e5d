//! The editor's store: the flow being edited (a document), the canvas view state (selection,
//! measured sizes), the undo history, the clipboard and the last notice shown to the user.
//!
//! Every edit that changes the document goes through `commit`, which records the previous
//! document for undo; the view state is never recorded. A drag records one step when it ends, not
//! one per pixel. React Flow is fed nodes and edges derived from this store (see flowDocument.ts)
//! and reports its changes back through `applyNodeChanges` / `applyEdgeChanges`.
//! Saving, validation and runs are left out: they read `doc` from here.
import type { EdgeChange, NodeChange } from "@xyflow/react";
import { create } from "zustand";
import type { Diagnostic } from "../ipc/bindings/Diagnostic";
import { copySelection, freshStepId, pasteClipboard, PASTE_OFFSET, type ClipboardContent } from "./clipboard";
import { connectionProblem, type ProposedConnection } from "./connectionRules";
import {
  edgeId,
  emptyDocument,
  isPort,
  nodeIds,
  specOfNode,
  titleOfNode,
  TRIGGER_ID,
  type AppNode,
  type AppEdge,
  type FlowDocument,
  type FlowEdge,
  type Port,
  type XY,
} from "./flowDocument";
import { DEFAULT_NODE_SIZE, inferDirection, tidyLayout, type LayoutDirection } from "./layout";
import { defaultInputs, findKindSpec, useKindsStore } from "./kindsStore";
import { firstPort, isTriggerSpec } from "./kindSpecs";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";

/** A change to a node's inputs: a value sets the field, `undefined` removes it. */
export type InputsPatch = Record<string, JsonValue | undefined>;

/** A request (from the problems list) to show a node's field in the inspector. */
export interface FieldFocus {
  id: number;
  nodeId: string;
  field: string | null;
}

/** How many edits undo remembers. */
export const HISTORY_LIMIT = 100;

export interface Notice {
  /** Increases with every notice, so the same text shown twice still restarts its timer. */
  id: number;
  text: string;
  /** A button in the notice ("Undo" after a delete). */
  action?: { label: string; run: () => void };
}

/** Where the add-a-step menu was opened: after a node's output (and port), or on an edge. */
export interface AddMenuRequest {
  source: string;
  port: string | null;
  /** Set when opened on an edge: the new step goes between `source` and `target`. */
  target: string | null;
  /** Where on the screen to show the menu. */
  screen: XY;
}

export interface EditorState {
  doc: FlowDocument;
  selectedNodeIds: ReadonlySet<string>;
  selectedEdgeIds: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
  past: FlowDocument[];
  future: FlowDocument[];
  /** The document as it was when the current drag began; null when nothing is being dragged. */
  moveSnapshot: FlowDocument | null;
  clipboard: ClipboardContent | null;
  /** How many times the clipboard has been pasted, to offset each paste a little further. */
  pasteCount: number;
  notice: Notice | null;
  shortcutsOpen: boolean;
  /** The last validation's diagnostics, shown as badges on the nodes; set by whoever validates. */
  diagnostics: readonly Diagnostic[];
  /** The node whose title is being edited inline, if any. */
  renamingNodeId: string | null;
  /** The last request to focus a node's field in the inspector. */
  fieldFocus: FieldFocus | null;
  /** Increases each time a document is loaded (the canvas fits the view to it). */
  loadCount: number;
  /** Which way the flow reads: handles face it and Tidy lays it out so. */
  direction: LayoutDirection;
  /** The open add-a-step menu, if any. */
  addMenu: AddMenuRequest | null;
}

export interface EditorActions {
  /** Replaces the document (opening a flow); forgets history and selection. */
  loadDocument(doc: FlowDocument): void;
  /** Adds a node of a kind at a position and selects it; returns its id, or null if refused. */
  addNode(kind: string, position: XY): string | null;
  /**
   * Adds a step after `source` (through `port`), one place further along the flow, connected to it;
   * with `target`, on the edge source → target, so the step goes in between. Selects it and
   * returns its id (null if refused).
   */
  addAfter(kind: string, source: string, port: string | null, target?: string | null): string | null;
  openAddMenu(request: AddMenuRequest): void;
  closeAddMenu(): void;
  /** Connects two nodes if the rules allow; returns the reason it was refused, or null. */
  connect(connection: ProposedConnection): string | null;
  /**
   * The keyboard path for connecting: with exactly two nodes selected, connects the one selected
   * first to the one selected second (a condition through `port`, Yes unless told). Returns the
   * reason it was refused, or null. Afterwards only the target stays selected, to chain on.
   */
  connectSelected(port?: Port): string | null;
  renameNode(id: string, title: string): void;
  deleteElements(nodeIds: Iterable<string>, edgeIds: Iterable<string>): void;
  deleteSelection(): void;
  /** Moves nodes; `record` makes it one undo step (drags record through applyNodeChanges instead). */
  moveNodes(positions: Record<string, XY>, record?: boolean): void;
  select(nodeIds: Iterable<string>, edgeIds?: Iterable<string>): void;
  selectAll(): void;
  copy(): boolean;
  paste(): string[];
  undo(): void;
  redo(): void;
  /** Lays the flow out (in `direction`, which it keeps; the current one when none is given). */
  tidy(direction?: LayoutDirection): void;
  applyNodeChanges(changes: NodeChange<AppNode>[]): void;
  applyEdgeChanges(changes: EdgeChange<AppEdge>[]): void;
  showNotice(text: string, action?: Notice["action"]): void;
  clearNotice(id: number): void;
  setShortcutsOpen(open: boolean): void;
  setRenaming(id: string | null): void;
  setDiagnostics(diagnostics: readonly Diagnostic[]): void;
  /** Changes some inputs of a node (the inspector's form); one undo step. */
  updateNodeInputs(nodeId: string, patch: InputsPatch): void;
  /** Changes what starts the flow (a new alert, a schedule, Run now); the inputs start over at the kind's defaults. */
  setTriggerKind(kind: string, title?: string): void;
  /** Selects a node and asks the inspector to focus one of its fields. */
  focusField(nodeId: string, field: string | null): void;
}

export type EditorStore = EditorState & EditorActions;

export function initialEditorState(doc: FlowDocument = emptyDocument()): EditorState {
  return {
    doc,
    selectedNodeIds: new Set(),
    selectedEdgeIds: new Set(),
    measured: {},
    past: [],
    future: [],
    moveSnapshot: null,
    clipboard: null,
    pasteCount: 0,
    notice: null,
    shortcutsOpen: false,
    renamingNodeId: null,
    diagnostics: [],
    fieldFocus: null,
    loadCount: 0,
    direction: inferDirection(doc),
    addMenu: null,
  };
}

/** How far after its predecessor a step added with "+" or click-to-add goes. */
const STEP_GAP = { TB: { x: 0, y: DEFAULT_NODE_SIZE.height + 70 }, LR: { x: DEFAULT_NODE_SIZE.width + 110, y: 0 } } as const;

function samePlace(a: XY | undefined, b: XY | undefined): boolean {
  return a?.x === b?.x && a?.y === b?.y;
}

function layoutChanged(before: FlowDocument, after: FlowDocument): boolean {
  const ids = new Set([...Object.keys(before.layout), ...Object.keys(after.layout)]);
  return [...ids].some((id) => !samePlace(before.layout[id], after.layout[id]));
}

/** Keeps only selected ids that still exist in the document. */
function pruneSelection(doc: FlowDocument, nodes: ReadonlySet<string>, edges: ReadonlySet<string>) {
  const existingNodes = new Set(nodeIds(doc));
  const existingEdges = new Set(doc.edges.map(edgeId));
  return {
    selectedNodeIds: new Set([...nodes].filter((id) => existingNodes.has(id))),
    selectedEdgeIds: new Set([...edges].filter((id) => existingEdges.has(id))),
  };
}

/** Where a new node goes: the asked-for spot, moved down-right while another node sits there. */
function freeSpot(doc: FlowDocument, at: XY): XY {
  let spot = { ...at };
  const taken = () => Object.values(doc.layout).some((p) => Math.abs(p.x - spot.x) < 12 && Math.abs(p.y - spot.y) < 12);
  for (let guard = 0; guard < 50 && taken(); guard++) spot = { x: spot.x + 30, y: spot.y + 30 };
  return spot;
}

export const useEditorStore = create<EditorStore>()((set, get) => {
  /** Records the current document for undo and replaces it. */
  const commit = (next: FlowDocument, extra: Partial<EditorState> = {}) => {
    const { doc, past } = get();
    set({ doc: next, past: [...past, doc].slice(-HISTORY_LIMIT), future: [], ...extra });
  };

  return {
    ...initialEditorState(),

    loadDocument(doc) {
      set({ ...initialEditorState(doc), clipboard: get().clipboard, loadCount: get().loadCount + 1 });
    },

    addNode(kind, position) {
      const { doc } = get();
      const spec = findKindSpec(kind);
      if (!spec) {
        get().showNotice(`This version of Flowguard does not know the step kind "${kind}".`);
        return null;
      }
      const at = freeSpot(doc, position);
      if (isTriggerSpec(spec)) {
        if (doc.trigger) {
          get().showNotice("This flow already has a trigger: a flow starts from exactly one.");
          return null;
        }
        commit(
          { ...doc, trigger: { kind, title: spec.title, inputs: defaultInputs(kind) }, layout: { ...doc.layout, [TRIGGER_ID]: at } },
          { selectedNodeIds: new Set([TRIGGER_ID]), selectedEdgeIds: new Set() },
        );
        return TRIGGER_ID;
      }
      const id = freshStepId(kind, new Set(nodeIds(doc)));
      commit(
        { ...doc, steps: [...doc.steps, { id, kind, title: spec.title, inputs: defaultInputs(kind) }], layout: { ...doc.layout, [id]: at } },
        { selectedNodeIds: new Set([id]), selectedEdgeIds: new Set() },
      );
      return id;
    },

    addAfter(kind, source, port, target = null) {
      const { doc, direction } = get();
      const spec = findKindSpec(kind);
      if (!spec || isTriggerSpec(spec)) {
        get().showNotice(spec ? "A trigger starts a flow: it cannot come after a step." : `This version of Flowguard does not know the step kind "${kind}".`);
        return null;
      }
      const from = doc.layout[source];
      if (!from) return get().addNode(kind, { x: 0, y: 0 });
      const sourceSpec = specOfNode(doc, source, useKindsStore.getState().kinds);
      const sourcePort = port ?? firstPort(sourceSpec);
      // A second port's branch goes beside the first, as Tidy would put it.
      const portIndex = sourcePort && sourceSpec ? Math.max(0, sourceSpec.ports.indexOf(sourcePort)) : 0;
      const gap = STEP_GAP[direction];
      const aside = direction === "TB" ? { x: portIndex * (DEFAULT_NODE_SIZE.width + 40), y: 0 } : { x: 0, y: portIndex * (DEFAULT_NODE_SIZE.height + 40) };
      const at = freeSpot(doc, { x: from.x + gap.x + aside.x, y: from.y + gap.y + aside.y });
      const id = freshStepId(kind, new Set(nodeIds(doc)));
      const incoming: FlowEdge = isPort(sourcePort) ? { from: source, to: id, port: sourcePort } : { from: source, to: id };
      let edges = [...doc.edges, incoming];
      const layout = { ...doc.layout, [id]: at };
      if (target) {
        // On an edge: source → new → target replaces source → target, and what follows moves along.
        edges = edges.filter((edge) => !(edge.from === source && edge.to === target && (edge.port ?? null) === (isPort(sourcePort) ? sourcePort : null)));
        edges.push({ from: id, to: target });
        const shifted = new Set<string>();
        const stack = [target];
        while (stack.length > 0) {
          const next = stack.pop() as string;
          if (shifted.has(next) || next === id) continue;
          shifted.add(next);
          const place = layout[next];
          if (place) layout[next] = { x: place.x + gap.x, y: place.y + gap.y };
          for (const edge of doc.edges) if (edge.from === next) stack.push(edge.to);
        }
      }
      commit(
        { ...doc, steps: [...doc.steps, { id, kind, title: spec.title, inputs: defaultInputs(kind) }], edges, layout },
        { selectedNodeIds: new Set([id]), selectedEdgeIds: new Set(), addMenu: null },
      );
      return id;
    },

    openAddMenu(request) {
      set({ addMenu: request });
    },

    closeAddMenu() {
      set({ addMenu: null });
    },

    connect(connection) {
      const { doc } = get();
      const problem = connectionProblem(doc, connection);
      if (problem) {
        get().showNotice(problem);
        return problem;
      }
      const edge: FlowEdge = { from: connection.source as string, to: connection.target as string };
      if (isPort(connection.sourceHandle)) edge.port = connection.sourceHandle;
      commit({ ...doc, edges: [...doc.edges, edge] });
      return null;
    },

    connectSelected(port) {
      const { doc, selectedNodeIds } = get();
      const [source, target, ...more] = [...selectedNodeIds];
      if (!source || !target || more.length > 0) {
        const reason = "To connect, select two nodes: first the one to connect from, then (Shift+click) the one it leads to.";
        get().showNotice(reason);
        return reason;
      }
      // A kind with ports connects through the asked-for one when it has it, else its first.
      const spec = specOfNode(doc, source, useKindsStore.getState().kinds);
      const sourceHandle = spec && spec.ports.length > 0 ? (port && spec.ports.includes(port) ? port : firstPort(spec)) : null;
      const problem = get().connect({ source, target, sourceHandle });
      // Keep only the target selected, so Shift+click on the next node and C again extends the chain.
      if (!problem) set({ selectedNodeIds: new Set([target]), selectedEdgeIds: new Set() });
      return problem;
    },

    renameNode(id, title) {
      const { doc } = get();
      const clean = title.trim();
      if (!clean) return;
      if (id === TRIGGER_ID) {
        if (!doc.trigger || doc.trigger.title === clean) return;
        commit({ ...doc, trigger: { ...doc.trigger, title: clean } });
        return;
      }
      const step = doc.steps.find((s) => s.id === id);
      if (!step || step.title === clean) return;
      commit({ ...doc, steps: doc.steps.map((s) => (s.id === id ? { ...s, title: clean } : s)) });
    },

    deleteElements(nodeIdsToDelete, edgeIdsToDelete) {
      const { doc, selectedNodeIds, selectedEdgeIds } = get();
      const nodes = new Set(nodeIdsToDelete);
      const edges = new Set(edgeIdsToDelete);
      const removesEdge = (edge: FlowEdge) => nodes.has(edge.from) || nodes.has(edge.to) || edges.has(edgeId(edge));
      if (![...nodes].some((id) => nodeIds(doc).includes(id)) && !doc.edges.some(removesEdge)) return;
      const layout = { ...doc.layout };
      for (const id of nodes) delete layout[id];
      const next: FlowDocument = {
        trigger: nodes.has(TRIGGER_ID) ? null : doc.trigger,
        steps: doc.steps.filter((step) => !nodes.has(step.id)),
        edges: doc.edges.filter((edge) => !removesEdge(edge)),
        layout,
      };
      commit(next, pruneSelection(next, selectedNodeIds, selectedEdgeIds));
    },

    deleteSelection() {
      const { selectedNodeIds, selectedEdgeIds, doc } = get();
      const before = get().past.length;
      get().deleteElements(selectedNodeIds, selectedEdgeIds);
      if (get().past.length === before) return;
      const nodes = [...selectedNodeIds];
      const what =
        nodes.length === 1
          ? `Deleted "${titleOfNode(doc, nodes[0] as string)}".`
          : nodes.length > 1
            ? `Deleted ${nodes.length} steps.`
            : selectedEdgeIds.size === 1
              ? "Deleted a connection."
              : `Deleted ${selectedEdgeIds.size} connections.`;
      get().showNotice(`${what} Ctrl+Z brings it back.`, { label: "Undo", run: () => get().undo() });
    },

    moveNodes(positions, record = true) {
      const { doc } = get();
      const next = { ...doc, layout: { ...doc.layout, ...positions } };
      if (!layoutChanged(doc, next)) return;
      if (record) commit(next);
      else set({ doc: next });
    },

    select(nodes, edges = []) {
      set({ selectedNodeIds: new Set(nodes), selectedEdgeIds: new Set(edges) });
    },

    selectAll() {
      const { doc } = get();
      set({ selectedNodeIds: new Set(nodeIds(doc)), selectedEdgeIds: new Set(doc.edges.map(edgeId)) });
    },

    copy() {
      const { doc, selectedNodeIds } = get();
      const clipboard = copySelection(doc, selectedNodeIds);
      if (!clipboard) return false;
      set({ clipboard, pasteCount: 0 });
      return true;
    },

    paste() {
      const { doc, clipboard, pasteCount } = get();
      if (!clipboard) return [];
      // Beside the copied nodes (right of their bounding box), a step further for each paste.
      const places = Object.values(clipboard.layout);
      const left = Math.min(...places.map((p) => p.x));
      const right = Math.max(...places.map((p) => p.x + DEFAULT_NODE_SIZE.width));
      const step = (pasteCount + 1) * (right - left + PASTE_OFFSET);
      const result = pasteClipboard(doc, clipboard, { x: step, y: 0 });
      if (result.skippedTrigger) get().showNotice("The trigger was not pasted: this flow already has one.");
      if (result.pastedIds.length === 0) return [];
      commit(result.doc, { selectedNodeIds: new Set(result.pastedIds), selectedEdgeIds: new Set(), pasteCount: pasteCount + 1 });
      return result.pastedIds;
    },

    undo() {
      const { past, future, doc, selectedNodeIds, selectedEdgeIds } = get();
      const previous = past[past.length - 1];
      if (!previous) return;
      set({ doc: previous, past: past.slice(0, -1), future: [doc, ...future], moveSnapshot: null, ...pruneSelection(previous, selectedNodeIds, selectedEdgeIds) });
    },

    redo() {
      const { past, future, doc, selectedNodeIds, selectedEdgeIds } = get();
      const next = future[0];
      if (!next) return;
      set({ doc: next, past: [...past, doc], future: future.slice(1), moveSnapshot: null, ...pruneSelection(next, selectedNodeIds, selectedEdgeIds) });
    },

    tidy(direction = get().direction) {
      const { doc, measured } = get();
      const next = { ...doc, layout: tidyLayout(doc, measured, direction) };
      if (layoutChanged(doc, next)) commit(next, { direction });
      else set({ direction });
    },

    applyNodeChanges(changes) {
      const { selectedNodeIds } = get();
      let { doc, measured, moveSnapshot } = get();
      let selection: Set<string> | null = null;
      const removed: string[] = [];
      let positions: Record<string, XY> | null = null;
      let dragEnded = false;
      for (const change of changes) {
        switch (change.type) {
          case "position":
            if (change.position) (positions ??= {})[change.id] = { x: change.position.x, y: change.position.y };
            if (!change.dragging) dragEnded = true;
            break;
          case "select":
            selection ??= new Set(selectedNodeIds);
            if (change.selected) selection.add(change.id);
            else selection.delete(change.id);
            break;
          case "dimensions":
            if (change.dimensions) measured = { ...measured, [change.id]: { width: change.dimensions.width, height: change.dimensions.height } };
            break;
          case "remove":
            removed.push(change.id);
            break;
          default:
            break;
        }
      }
      const update: Partial<EditorState> = {};
      if (selection) update.selectedNodeIds = selection;
      if (measured !== get().measured) update.measured = measured;
      if (positions) {
        moveSnapshot ??= doc;
        doc = { ...doc, layout: { ...doc.layout, ...positions } };
        update.doc = doc;
        update.moveSnapshot = moveSnapshot;
      }
      if (dragEnded && moveSnapshot) {
        // One undo step per drag: the document before the drag goes on the history.
        update.moveSnapshot = null;
        if (layoutChanged(moveSnapshot, doc)) {
          update.past = [...get().past, moveSnapshot].slice(-HISTORY_LIMIT);
          update.future = [];
        }
      }
      set(update);
      if (removed.length > 0) get().deleteElements(removed, []);
    },

    applyEdgeChanges(changes) {
      const { selectedEdgeIds } = get();
      let selection: Set<string> | null = null;
      const removed: string[] = [];
      for (const change of changes) {
        if (change.type === "select") {
          selection ??= new Set(selectedEdgeIds);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        } else if (change.type === "remove") {
          removed.push(change.id);
        }
      }
      if (selection) set({ selectedEdgeIds: selection });
      if (removed.length > 0) get().deleteElements([], removed);
    },

    showNotice(text, action) {
      set({ notice: { id: (get().notice?.id ?? 0) + 1, text, ...(action ? { action } : {}) } });
    },

    clearNotice(id) {
      if (get().notice?.id === id) set({ notice: null });
    },

    setShortcutsOpen(open) {
      set({ shortcutsOpen: open });
    },

    setRenaming(id) {
      set({ renamingNodeId: id });
    },

    setDiagnostics(diagnostics) {
      set({ diagnostics });
    },

    updateNodeInputs(nodeId, patch) {
      const { doc } = get();
      const apply = (inputs: Record<string, JsonValue>) => {
        const next: Record<string, JsonValue> = { ...inputs };
        let changed = false;
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined) {
            if (key in next) {
              delete next[key];
              changed = true;
            }
          } else if (JSON.stringify(next[key]) !== JSON.stringify(value)) {
            next[key] = value;
            changed = true;
          }
        }
        return changed ? next : null;
      };
      if (nodeId === TRIGGER_ID) {
        if (!doc.trigger) return;
        const inputs = apply(doc.trigger.inputs);
        if (inputs) commit({ ...doc, trigger: { ...doc.trigger, inputs } });
        return;
      }
      const step = doc.steps.find((s) => s.id === nodeId);
      if (!step) return;
      const inputs = apply(step.inputs);
      if (inputs) commit({ ...doc, steps: doc.steps.map((s) => (s.id === nodeId ? { ...s, inputs } : s)) });
    },

    setTriggerKind(kind, title) {
      const { doc } = get();
      if (!doc.trigger || doc.trigger.kind === kind) return;
      commit({ ...doc, trigger: { ...doc.trigger, kind, title: title ?? doc.trigger.title, inputs: defaultInputs(kind) } });
    },

    focusField(nodeId, field) {
      set({
        selectedNodeIds: new Set([nodeId]),
        selectedEdgeIds: new Set(),
        fieldFocus: { id: (get().fieldFocus?.id ?? 0) + 1, nodeId, field },
      });
    },
  };
});

/** Resets the store to an empty editor (tests, and "New flow"). */
export function resetEditor(doc?: FlowDocument): void {
  useEditorStore.setState(initialEditorState(doc));
}
