//! The colour theme: light, dark or the system's, chosen in Settings and kept in the webview's
//! local storage (a preference of this machine, not of a flow). The choice is written on <html>
//! as `data-theme`, which styles.css reads; "system" leaves it off so the OS decides.
import { create } from "zustand";

export type ThemeChoice = "light" | "dark" | "system";
export const THEME_KEY = "flowguard.theme";

function stored(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(THEME_KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

function apply(theme: ThemeChoice): void {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

interface ThemeState {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

export const useTheme = create<ThemeState>()((set) => ({
  theme: typeof window === "undefined" ? "system" : stored(),
  setTheme(theme) {
    try {
      if (theme === "system") window.localStorage.removeItem(THEME_KEY);
      else window.localStorage.setItem(THEME_KEY, theme);
    } catch {
      // No storage (a locked-down webview): the choice lasts until the window closes.
    }
    apply(theme);
    set({ theme });
  },
}));

/** Applies the stored theme (called once at start, before the first paint). */
export function applyStoredTheme(): void {
  apply(stored());
}
