//! The activity feed: every flow's runs, newest first (paged), and the count of tenant-changing
//! runs not yet seen (the badge). Run events re-read it (coalesced: a burst of runs costs two reads).
import { create } from "zustand";
import { errorText, ipc, onRunEvent, type RunListItem } from "../ipc/client";
import { coalesced } from "../runs/runStore";

/** How many runs a page of the feed holds. */
export const ACTIVITY_PAGE = 50;

interface ActivityState {
  items: RunListItem[];
  /** Where the next (older) page starts; null on the last page. */
  nextBefore: string | null;
  /** Tenant-changing runs not yet seen. */
  unseen: number;
  loading: boolean;
  error: string | null;
  /** Whether the feed is showing (then events re-read it and its runs count as seen). */
  visible: boolean;
  /** Reads the newest page (and the badge). */
  load(): Promise<void>;
  loadOlder(): Promise<void>;
  /** Reads only the badge's count. */
  loadCount(): Promise<void>;
  markSeen(): Promise<void>;
  setVisible(visible: boolean): void;
}

export const useActivityStore = create<ActivityState>()((set, get) => ({
  items: [],
  nextBefore: null,
  unseen: 0,
  loading: false,
  error: null,
  visible: false,
  async load() {
    set({ loading: true });
    try {
      const page = await ipc.listActivity(null, Math.max(ACTIVITY_PAGE, get().items.length));
      set({ items: page.items, nextBefore: page.nextBefore, unseen: page.unseenTenantChanges, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: errorText(error) });
    }
  },
  async loadOlder() {
    const before = get().nextBefore;
    if (!before) return;
    set({ loading: true });
    try {
      const page = await ipc.listActivity(before, ACTIVITY_PAGE);
      const known = new Set(get().items.map((item) => item.id));
      set({ items: [...get().items, ...page.items.filter((item) => !known.has(item.id))], nextBefore: page.nextBefore, unseen: page.unseenTenantChanges, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: errorText(error) });
    }
  },
  async loadCount() {
    try {
      set({ unseen: await ipc.unseenActivityCount() });
    } catch {
      // The badge keeps its last count; the feed says what went wrong when it is opened.
    }
  },
  async markSeen() {
    try {
      await ipc.markActivitySeen();
      set({ unseen: 0 });
    } catch (error) {
      set({ error: errorText(error) });
    }
  },
  setVisible(visible) {
    set({ visible });
  },
}));

/** Follows run events for the feed and the badge; returns the function that stops. */
export function startActivity(): () => void {
  const store = useActivityStore;
  const reload = coalesced(async () => {
    if (store.getState().visible) {
      await store.getState().load();
      await store.getState().markSeen();
    } else await store.getState().loadCount();
  });
  let stopped = false;
  let unlisten: (() => void) | null = null;
  void onRunEvent((event) => {
    if (event.type === "run_finished" || event.type === "run_started") void reload();
  }).then((stop) => {
    if (stopped) stop();
    else unlisten = stop;
  });
  void store.getState().loadCount();
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Resets the store (tests). */
export function resetActivityStore(): void {
  useActivityStore.setState({ items: [], nextBefore: null, unseen: 0, loading: false, error: null, visible: false });
}
