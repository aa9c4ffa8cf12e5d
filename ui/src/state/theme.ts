//! The colour theme: light, dark or the system's, chosen in Settings and kept in the webview's
//! local storage (a preference of this machine, not of a flow). The theme in force is written on
//! <html> as `data-theme` ("light" or "dark"), which styles.css reads; "system" writes the OS's
//! and follows it when it changes.
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

const DARK_QUERY = "(prefers-color-scheme: dark)";

function systemIsDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches;
}

/** The theme in force for a choice: the OS's for "system". */
export function resolvedTheme(theme: ThemeChoice): "light" | "dark" {
  if (theme !== "system") return theme;
  return systemIsDark() ? "dark" : "light";
}

let current: ThemeChoice = "system";

function apply(theme: ThemeChoice): void {
  current = theme;
  document.documentElement.dataset.theme = resolvedTheme(theme);
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

/** Applies the stored theme (called once at start, before the first paint) and follows the OS's. */
export function applyStoredTheme(): void {
  apply(stored());
  if (typeof window.matchMedia === "function") {
    window.matchMedia(DARK_QUERY).addEventListener?.("change", () => {
      if (current === "system") apply("system");
    });
  }
}
