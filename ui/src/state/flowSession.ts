//! The open flow and the sidebar's list: which flow is in the editor (its id, name, switch),
//! whether the editor's document is saved, and the flow actions (new, open, rename, duplicate,
//! delete with undo, enable). Autosave: `startAutosave()` watches the editor's document and the
//! flow's name and saves the flow AUTOSAVE_MS after the last change; each save's diagnostics go to
//! the editor so node badges and the problems list show them.
import { create } from "zustand";
import { errorText, ipc, type Flow, type FlowSummary } from "../ipc/client";
import { useEditorStore } from "./editorStore";
import { documentFromFlow, flowWithDocument } from "./flowDocument";
import { findKindSpec } from "./kindsStore";

export const AUTOSAVE_MS = 600;

export type SaveStatus = "saved" | "saving" | "unsaved" | "error";

export interface DeletedFlow {
  flow: Flow;
  /** Whether it was the flow in the editor (Undo opens it again). */
  wasOpen: boolean;
  /** Increases with every deletion, so the toast's timer restarts. */
  id: number;
}

interface FlowSessionState {
  flows: FlowSummary[];
  /** The flow in the editor (its document part is the editor's `doc`); null until one is open. */
  flow: Flow | null;
  saveStatus: SaveStatus;
  saveError: string | null;
  /** The last flow deleted, while its Undo toast shows. */
  deleted: DeletedFlow | null;
  /** The last refused action (enabling a flow with errors, a failed rename), shown in the sidebar. */
  error: string | null;
}

interface FlowSessionActions {
  refresh(): Promise<void>;
  open(id: string): Promise<void>;
  /** Opens a flow document directly (a just-created flow). */
  openFlow(flow: Flow): void;
  create(template: string | null, name?: string): Promise<Flow | null>;
  rename(id: string, name: string): Promise<void>;
  /** Renames the open flow locally; autosave stores it. */
  setName(name: string): void;
  duplicate(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  undoDelete(): Promise<void>;
  dismissDeleted(): void;
  setEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** The steps of a flow that change the tenant, in words (enabling such a flow asks first). */
  tenantChanges(id: string): Promise<string[]>;
  clearError(): void;
  /** Saves the open flow now (autosave calls this). */
  saveNow(): Promise<void>;
  markUnsaved(): void;
  /** Opens the first flow, or creates an "Untitled flow" when there is none (first start). */
  openInitial(): Promise<void>;
}

export type FlowSession = FlowSessionState & FlowSessionActions;

const initialState: FlowSessionState = { flows: [], flow: null, saveStatus: "saved", saveError: null, deleted: null, error: null };

export const useFlowSession = create<FlowSession>()((set, get) => ({
  ...initialState,

  async refresh() {
    try {
      set({ flows: await ipc.listFlows() });
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  async open(id) {
    if (get().flow?.id === id) return;
    if (get().saveStatus === "unsaved") await get().saveNow();
    try {
      const view = await ipc.getFlow(id);
      get().openFlow(view.flow);
      useEditorStore.getState().setDiagnostics(view.diagnostics);
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  openFlow(flow) {
    loading = true;
    try {
      set({ flow, saveStatus: "saved", saveError: null });
      useEditorStore.getState().loadDocument(documentFromFlow(flow));
      useEditorStore.getState().setDiagnostics([]);
    } finally {
      loading = false;
    }
  },

  async create(template, name = "") {
    if (get().saveStatus === "unsaved") await get().saveNow();
    try {
      const flow = await ipc.createFlow(template, name);
      get().openFlow(flow);
      await get().refresh();
      const view = await ipc.getFlow(flow.id).catch(() => null);
      if (view) useEditorStore.getState().setDiagnostics(view.diagnostics);
      return flow;
    } catch (error) {
      set({ error: errorText(error) });
      return null;
    }
  },

  async rename(id, name) {
    const clean = name.trim();
    if (!clean) return;
    if (get().flow?.id === id) {
      get().setName(clean);
      await get().saveNow();
      return;
    }
    try {
      await ipc.renameFlow(id, clean);
      await get().refresh();
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  setName(name) {
    const { flow } = get();
    if (!flow || flow.name === name) return;
    set({ flow: { ...flow, name }, saveStatus: "unsaved" });
  },

  async duplicate(id) {
    if (get().saveStatus === "unsaved") await get().saveNow();
    try {
      const copy = await ipc.duplicateFlow(id);
      get().openFlow(copy);
      await get().refresh();
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  async remove(id) {
    try {
      const flow = await ipc.deleteFlow(id);
      set({ deleted: { flow, wasOpen: get().flow?.id === id, id: (get().deleted?.id ?? 0) + 1 } });
      await get().refresh();
      if (get().flow?.id === id) {
        const next = get().flows[0];
        set({ flow: null });
        if (next) await get().open(next.id);
        else await get().openInitial();
      }
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  async undoDelete() {
    const deleted = get().deleted;
    if (!deleted) return;
    set({ deleted: null });
    try {
      await ipc.saveFlow(deleted.flow);
      if (deleted.flow.enabled) await ipc.setFlowEnabled(deleted.flow.id, true).catch(() => null);
      await get().refresh();
      if (deleted.wasOpen) await get().open(deleted.flow.id);
    } catch (error) {
      set({ error: errorText(error) });
    }
  },

  dismissDeleted() {
    set({ deleted: null });
  },

  async setEnabled(id, enabled) {
    try {
      await ipc.setFlowEnabled(id, enabled);
      const { flow } = get();
      if (flow?.id === id) set({ flow: { ...flow, enabled } });
      set({ error: null });
      await get().refresh();
      return true;
    } catch (error) {
      set({ error: errorText(error) });
      return false;
    }
  },

  async tenantChanges(id) {
    try {
      const open = get().flow;
      const flow = open?.id === id ? flowWithDocument(open, useEditorStore.getState().doc) : (await ipc.getFlow(id)).flow;
      return flow.steps.filter((step) => findKindSpec(step.kind)?.changesTenant).map((step) => `${step.title || step.kind} (${findKindSpec(step.kind)?.title ?? step.kind})`);
    } catch {
      return [];
    }
  },

  clearError() {
    set({ error: null });
  },

  async saveNow() {
    const { flow } = get();
    if (!flow) return;
    const docAtSave = useEditorStore.getState().doc;
    const toSave = flowWithDocument(flow, docAtSave);
    set({ saveStatus: "saving" });
    try {
      const result = await ipc.saveFlow(toSave);
      useEditorStore.getState().setDiagnostics(result.diagnostics);
      // Only "saved" if nothing changed while the save was under way.
      const current = get().flow;
      const same = current?.id === toSave.id && current.name === toSave.name && useEditorStore.getState().doc === docAtSave;
      set({ saveStatus: same ? "saved" : "unsaved", saveError: null, ...(current?.id === toSave.id ? { flow: { ...current, enabled: result.enabled } } : {}) });
      await get().refresh();
    } catch (error) {
      set({ saveStatus: "error", saveError: errorText(error) });
    }
  },

  markUnsaved() {
    if (get().flow) set({ saveStatus: "unsaved" });
  },

  async openInitial() {
    await get().refresh();
    const first = get().flows[0];
    if (first) await get().open(first.id);
    else await get().create(null, "Untitled flow");
  },
}));

/** True while a flow is being opened: its document replacing the editor's is not an edit. */
let loading = false;

/**
 * Watches the editor and the open flow's name and saves AUTOSAVE_MS after the last change.
 * Returns the function that stops watching.
 */
export function startAutosave(delay = AUTOSAVE_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void useFlowSession.getState().saveNow();
    }, delay);
  };
  const stopEditor = useEditorStore.subscribe((state, previous) => {
    // Opening a flow replaces the document: that is not an edit.
    if (state.doc === previous.doc || loading) return;
    const session = useFlowSession.getState();
    if (!session.flow) return;
    // A drag in progress changes the document on every pixel; save once it ends.
    session.markUnsaved();
    if (state.moveSnapshot) return;
    schedule();
  });
  const stopSession = useFlowSession.subscribe((state, previous) => {
    if (state.flow?.id !== previous.flow?.id) {
      if (timer) clearTimeout(timer);
      timer = null;
      return;
    }
    if (state.flow && previous.flow && state.flow.name !== previous.flow.name) schedule();
  });
  return () => {
    if (timer) clearTimeout(timer);
    stopEditor();
    stopSession();
  };
}

/** Resets the session (tests). */
export function resetFlowSession(): void {
  useFlowSession.setState(initialState);
}
