//! Which flow the Enable and Publish dialogs are open for (opened from the sidebar's switch and
//! the header's Publish button; both dialogs live once, in App).
import { create } from "zustand";
import type { FlowSummary } from "../ipc/client";
import { useFlowSession } from "../state/flowSession";

interface FlowDialogsState {
  /** The flow whose switch is being turned on (the Enable dialog), or null. */
  enabling: string | null;
  /** The flow being published (the Publish dialog), or null. */
  publishing: string | null;
  /** The last thing one of these dialogs did, shown in the header for a while. */
  notice: string | null;
  openEnable(flowId: string): void;
  openPublish(flowId: string): void;
  close(): void;
  setNotice(notice: string | null): void;
}

export const useFlowDialogs = create<FlowDialogsState>()((set) => ({
  enabling: null,
  publishing: null,
  notice: null,
  openEnable: (flowId) => set({ enabling: flowId, publishing: null }),
  openPublish: (flowId) => set({ publishing: flowId, enabling: null }),
  close: () => set({ enabling: null, publishing: null }),
  setNotice: (notice) => set({ notice }),
}));

/** The sidebar's summary of a flow (published version, draft, switches). */
export function useFlowSummary(flowId: string | null | undefined): FlowSummary | undefined {
  return useFlowSession((state) => (flowId ? state.flows.find((entry) => entry.id === flowId) : undefined));
}

/** "Draft · not published", "Published v3", "Published v3 · unpublished changes". */
export function publishState(summary: Pick<FlowSummary, "publishedVersion" | "hasUnpublishedChanges"> | undefined): string {
  if (!summary) return "";
  if (summary.publishedVersion === null) return "Draft · not published";
  return summary.hasUnpublishedChanges ? `Published v${summary.publishedVersion} · unpublished changes` : `Published v${summary.publishedVersion}`;
}

/** Resets the store (tests). */
export function resetFlowDialogs(): void {
  useFlowDialogs.setState({ enabling: null, publishing: null, notice: null });
}
