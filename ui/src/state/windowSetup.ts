//! What the window needs before React starts (index.html loads this first): the stored colour
//! theme, applied before the first paint, and no webview context menu (Back, Reload, Inspect)
//! outside text fields, where Cut, Copy and Paste stay available.
import { applyStoredTheme } from "./theme";

/** True when a right-click here should keep the webview's menu (text fields, selected text). */
export function keepsContextMenu(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "range", "color", "file"].includes(target.type);
  return false;
}

export function installWindowSetup(): void {
  applyStoredTheme();
  window.addEventListener("contextmenu", (event) => {
    if (!keepsContextMenu(event.target)) event.preventDefault();
  });
}

installWindowSetup();
