//! Whether the Settings dialog is open (the header button, Ctrl/Cmd+, and the demo banner's
//! "Connect a tenant" open it).
import { create } from "zustand";

interface SettingsDialogState {
  open: boolean;
  setOpen(open: boolean): void;
}

export const useSettingsDialog = create<SettingsDialogState>()((set) => ({
  open: false,
  setOpen(open) {
    set({ open });
  },
}));
