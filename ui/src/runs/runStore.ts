//! The run being watched (started by Run now, a rerun, or a past run opened from the history), each
//! node's status in it, and the flow's run history for the run panel.
//!
//! Live events (`onRunEvent`) update the statuses at once; every event of the watched run, and its
//! end, also re-reads the run with `getRun` because events can be missed: the database is the truth.
import { create } from "zustand";
import { errorText, ipc, type Flow, type RunDetail, type RunEventView, type RunListItem } from "../ipc/client";
import { TRIGGER_ID } from "../state/flowDocument";
import { useFlowSession } from "../state/flowSession";
import { isLive } from "./format";

/** A node's part in the watched run, as the canvas shows it. */
export interface NodeRun {
  /** pending, running, succeeded, failed, skipped or cancelled. */
  status: string;
  attempts: number;
  durationMs: number | null;
}

/** A step that failed an attempt and will try again. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: string;
  /** When the event arrived (Date.now()). */
  at: number;
}

/** The run panel's tabs: the watched run, the flow's runs, the flow's versions, every flow's activity. */
export const RUN_PANEL_TABS = ["run", "history", "versions", "activity"] as const;
export type RunPanelTab = (typeof RUN_PANEL_TABS)[number];

/** A node with no record yet in a watched run. */
export const PENDING: NodeRun = Object.freeze({ status: "pending", attempts: 0, durationMs: null });

interface RunState {
  runId: string | null;
  /** The flow of the watched run. */
  flowId: string | null;
  detail: RunDetail | null;
  /** The run's status from the live events, until `detail` says otherwise. */
  liveStatus: string | null;
  nodes: Readonly<Record<string, NodeRun>>;
  retrying: Readonly<Record<string, RetryInfo>>;
  error: string | null;
  /** The run ran another version of the flow than the one in the editor. */
  otherVersion: { runVersion: number; currentVersion: number } | null;
  /** A version shown read-only over the canvas (the one a run ran, or one from the Versions tab); null once "Back to editing" is clicked. */
  viewingFlow: Flow | null;
  /** What the read-only view's banner says. */
  viewingCaption: string | null;
  panelOpen: boolean;
  tab: RunPanelTab;
  history: RunListItem[];
  historyFlowId: string | null;
  historyFilter: string | null;
  historyLoading: boolean;
  historyError: string | null;
}

interface RunActions {
  /** Watches a run just started here (Run now or a rerun) and opens the panel on it. */
  watch(runId: string, flowId: string): Promise<void>;
  /** Opens a past run (from the history): the panel shows it, the canvas paints its statuses. */
  openRun(runId: string, flowId: string): Promise<void>;
  handleEvent(event: RunEventView): void;
  /** Re-reads the watched run (coalesced: one call in flight, one more queued at most). */
  refresh(): Promise<void>;
  cancel(): Promise<void>;
  /** Runs the watched run again (from its failed step); the new run becomes the watched one. */
  rerun(fromFailedStep: boolean): Promise<void>;
  loadHistory(flowId?: string): Promise<void>;
  setHistoryFilter(status: string | null): Promise<void>;
  openPanel(tab?: RunPanelTab): void;
  closePanel(): void;
  setTab(tab: RunPanelTab): void;
  /** Shows a version read-only over the canvas (`caption` is the banner's text); forgets the watched run, whose statuses are not this version's. */
  viewVersion(flow: Flow, caption: string): void;
  /** Leaves the read-only view of an older version. */
  backToEditing(): void;
  /** Forgets the watched run (another flow was opened). */
  clearRun(): void;
}

export type RunStore = RunState & RunActions;

const initialState: RunState = {
  runId: null,
  flowId: null,
  detail: null,
  liveStatus: null,
  nodes: {},
  retrying: {},
  error: null,
  otherVersion: null,
  viewingFlow: null,
  viewingCaption: null,
  panelOpen: false,
  tab: "run",
  history: [],
  historyFlowId: null,
  historyFilter: null,
  historyLoading: false,
  historyError: null,
};

/** Recent events of any run, so those that arrive before `runFlow` answers are not lost. */
const RECENT_LIMIT = 200;
let recent: RunEventView[] = [];
let refreshing: Promise<void> | null = null;
let refreshAgain = false;
/** Whether the next `getRun` answer should compare the run's flow version with the open one. */
let checkVersion = false;
let historySeq = 0;

function rank(status: string): number {
  if (status === "pending" || status === "queued") return 0;
  if (status === "running") return 1;
  return 2;
}

/** The node statuses a run's record gives: the trigger (derived unless recorded) and each recorded step. */
export function nodesFromDetail(detail: RunDetail): Record<string, NodeRun> {
  const nodes: Record<string, NodeRun> = {};
  if (!detail.steps.some((step) => step.stepId === TRIGGER_ID)) {
    nodes[TRIGGER_ID] = { status: detail.run.status === "queued" ? "pending" : "succeeded", attempts: detail.run.status === "queued" ? 0 : 1, durationMs: null };
  }
  for (const step of detail.steps) nodes[step.stepId] = { status: step.status, attempts: step.attempts, durationMs: step.durationMs };
  return nodes;
}

function applyEvent(state: RunState, event: RunEventView): Partial<RunState> {
  const nodes = { ...state.nodes };
  const retrying = { ...state.retrying };
  switch (event.type) {
    case "run_started":
      nodes[TRIGGER_ID] = { status: "succeeded", attempts: 1, durationMs: null };
      return { nodes, liveStatus: "running" };
    case "step_started":
      nodes[event.stepId] = { status: "running", attempts: event.attempt, durationMs: null };
      delete retrying[event.stepId];
      return { nodes, retrying, liveStatus: "running" };
    case "step_retrying":
      nodes[event.stepId] = { status: "running", attempts: event.attempt, durationMs: null };
      retrying[event.stepId] = { attempt: event.attempt, delayMs: event.delayMs, error: event.error, at: Date.now() };
      return { nodes, retrying };
    case "step_finished":
      nodes[event.stepId] = { status: event.status, attempts: state.nodes[event.stepId]?.attempts || (event.status === "skipped" ? 0 : 1), durationMs: event.durationMs };
      delete retrying[event.stepId];
      return { nodes, retrying };
    case "run_finished":
      return { liveStatus: event.status, retrying: {} };
  }
}

/** Wraps `work` so that calls while it runs make one more run afterwards, not one each: a burst
 * of run events (a thousand alerts at once) costs two reads, not two thousand. */
export function coalesced(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await work();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

function currentVersionOf(flowId: string): number | undefined {
  return useFlowSession.getState().flows.find((summary) => summary.id === flowId)?.version;
}

export const useRunStore = create<RunStore>()((set, get) => {
  // The sidebar shows each flow's last run; the History tab lists the flow's runs.
  const refreshSidebar = coalesced(() => useFlowSession.getState().refresh());
  const reloadHistory = coalesced(() => get().loadHistory());
  async function fetchOnce(): Promise<void> {
    const runId = get().runId;
    if (!runId) return;
    try {
      const detail = await ipc.getRun(runId);
      if (get().runId !== runId) return;
      const finished = !isLive(detail.run.status);
      const fromDb = nodesFromDetail(detail);
      const nodes: Record<string, NodeRun> = { ...get().nodes };
      for (const [id, record] of Object.entries(fromDb)) {
        const live = nodes[id];
        // A live event newer than this answer wins until the record catches up.
        nodes[id] = live && !finished && rank(live.status) > rank(record.status) ? live : record;
      }
      const update: Partial<RunState> = { detail, nodes, error: null, liveStatus: finished ? detail.run.status : (get().liveStatus ?? detail.run.status) };
      if (finished) update.retrying = {};
      if (checkVersion) {
        checkVersion = false;
        const current = currentVersionOf(detail.run.flowId);
        if (current !== undefined && current !== detail.run.flowVersion) {
          update.otherVersion = { runVersion: detail.run.flowVersion, currentVersion: current };
          update.viewingFlow = detail.flow;
          update.viewingCaption = runVersionCaption(detail.run.flowVersion);
        }
      }
      set(update);
    } catch (error) {
      if (get().runId === runId) set({ error: errorText(error) });
    }
  }

  function start(runId: string, flowId: string, compareVersion: boolean) {
    checkVersion = compareVersion;
    refreshing = null;
    refreshAgain = false;
    let state: RunState = {
      ...get(),
      runId,
      flowId,
      detail: null,
      liveStatus: null,
      nodes: {},
      retrying: {},
      error: null,
      otherVersion: null,
      viewingFlow: null,
      viewingCaption: null,
      panelOpen: true,
      tab: "run",
    };
    // Events that arrived before we knew the run's id.
    for (const event of recent) if (event.runId === runId) state = { ...state, ...applyEvent(state, event) };
    set(state);
    return get().refresh();
  }

  return {
    ...initialState,

    watch(runId, flowId) {
      return start(runId, flowId, false);
    },

    openRun(runId, flowId) {
      return start(runId, flowId, true);
    },

    handleEvent(event) {
      recent = [...recent.slice(-(RECENT_LIMIT - 1)), event];
      const state = get();
      if (event.type === "run_finished" || event.type === "run_started") {
        if (event.flowId === state.historyFlowId) void reloadHistory();
        if (useFlowSession.getState().flow) void refreshSidebar();
      }
      if (event.runId !== state.runId) return;
      set(applyEvent(state, event));
      void get().refresh();
    },

    refresh() {
      if (refreshing) {
        refreshAgain = true;
        return refreshing;
      }
      const run = async () => {
        try {
          do {
            refreshAgain = false;
            await fetchOnce();
          } while (refreshAgain);
        } finally {
          refreshing = null;
        }
      };
      refreshing = run();
      return refreshing;
    },

    async cancel() {
      const { runId } = get();
      if (!runId) return;
      try {
        await ipc.cancelRun(runId);
      } catch (error) {
        set({ error: errorText(error) });
      }
      await get().refresh();
    },

    async rerun(fromFailedStep) {
      const { runId, flowId } = get();
      if (!runId || !flowId) return;
      try {
        const next = await ipc.rerunRun(runId, fromFailedStep);
        // A rerun of a run that ran another version may run that version: compare again.
        await start(next, flowId, true);
      } catch (error) {
        set({ error: errorText(error) });
      }
    },

    async loadHistory(flowId) {
      const id = flowId ?? get().historyFlowId;
      if (!id) return;
      const seq = ++historySeq;
      const sameFlow = id === get().historyFlowId;
      set({ historyFlowId: id, historyLoading: true, ...(sameFlow ? {} : { history: [] }) });
      try {
        const history = await ipc.listRuns(id, get().historyFilter, 100);
        if (seq === historySeq) set({ history, historyLoading: false, historyError: null });
      } catch (error) {
        if (seq === historySeq) set({ historyLoading: false, historyError: errorText(error) });
      }
    },

    async setHistoryFilter(status) {
      set({ historyFilter: status });
      await get().loadHistory();
    },

    openPanel(tab) {
      set({ panelOpen: true, ...(tab ? { tab } : {}) });
    },

    closePanel() {
      // The read-only view of an older version belongs to the panel: closing it returns to editing.
      set({ panelOpen: false, viewingFlow: null, viewingCaption: null });
    },

    setTab(tab) {
      set({ tab });
    },

    viewVersion(flow, caption) {
      get().clearRun();
      set({ viewingFlow: flow, viewingCaption: caption, panelOpen: true, tab: "versions" });
    },

    backToEditing() {
      set({ viewingFlow: null, viewingCaption: null });
    },

    clearRun() {
      checkVersion = false;
      set({ runId: null, flowId: null, detail: null, liveStatus: null, nodes: {}, retrying: {}, error: null, otherVersion: null, viewingFlow: null, viewingCaption: null, tab: "history" });
    },
  };
});

/** The read-only view's banner for a run's version. */
export function runVersionCaption(version: number): string {
  return `Viewing run of version ${version} — read-only.`;
}

/** The run's status: the record's, or the live one while the record is not read yet. */
export function runStatusOf(state: Pick<RunState, "detail" | "liveStatus">): string | null {
  return state.liveStatus ?? state.detail?.run.status ?? null;
}

/**
 * A node's status on the editor's canvas: only for a watched run of the flow in the editor, and
 * not when that run ran another version of it. `undefined` when there is nothing to show.
 */
export function useNodeRun(nodeId: string): NodeRun | undefined {
  const openFlowId = useFlowSession((state) => state.flow?.id ?? null);
  return useRunStore((state) => {
    if (!state.runId || state.flowId !== openFlowId || state.otherVersion) return undefined;
    return state.nodes[nodeId] ?? PENDING;
  });
}

/** Resets the store (tests). */
export function resetRunStore(): void {
  recent = [];
  refreshing = null;
  refreshAgain = false;
  checkVersion = false;
  historySeq = 0;
  useRunStore.setState(initialState);
}
