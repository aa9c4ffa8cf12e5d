//! The background engine's status (demo mode, a tenant, or stopped), loaded at start and kept
//! current by the engine's `engine-status` events. The demo banner and the status bar read it.
import { create } from "zustand";
import { errorText, ipc, onEngineStatus, type EngineStatus } from "../ipc/client";

interface EngineState {
  status: EngineStatus | null;
  /** Why the status could not be read (the command failed). */
  error: string | null;
  /** Increases with every status received, so a slow load never overwrites a newer event. */
  revision: number;
  load(): Promise<void>;
  setStatus(status: EngineStatus): void;
}

export const useEngineStore = create<EngineState>()((set, get) => ({
  status: null,
  error: null,
  revision: 0,
  async load() {
    const before = get().revision;
    try {
      const status = await ipc.engineStatus();
      if (get().revision === before) set({ status, error: null, revision: before + 1 });
    } catch (error) {
      if (get().revision === before) set({ error: errorText(error) });
    }
  },
  setStatus(status) {
    set({ status, error: null, revision: get().revision + 1 });
  },
}));

/** Reads the engine's status and follows its changes; returns the function that stops. */
export function startEngineStatus(): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  void onEngineStatus((status) => useEngineStore.getState().setStatus(status))
    .then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
    })
    .catch(() => undefined);
  void useEngineStore.getState().load();
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Resets the store (tests). */
export function resetEngineStore(): void {
  useEngineStore.setState({ status: null, error: null, revision: 0 });
}
