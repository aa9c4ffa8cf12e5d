import { useEffect } from "react";
import { useEditorStore } from "../state/editorStore";

export type ShortcutCommand =
  | "delete"
  | "copy"
  | "paste"
  | "undo"
  | "redo"
  | "selectAll"
  | "rename"
  | "connect"
  | "connectNo"
  | "tidy"
  | "fit"
  | "escape"
  | "toggleShortcuts";

type KeyLike = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">;

/** Which command a key press means, or null. Pure, so the table is easy to test. */
export function shortcutCommand(event: KeyLike): ShortcutCommand | null {
  const key = event.key.toLowerCase();
  const mod = event.ctrlKey || event.metaKey;
  if (event.altKey) return null;
  if (mod) {
    if (key === "z") return event.shiftKey ? "redo" : "undo";
    if (key === "y" && event.ctrlKey) return "redo";
    if (key === "c" && !event.shiftKey) return "copy";
    if (key === "v" && !event.shiftKey) return "paste";
    if (key === "a" && !event.shiftKey) return "selectAll";
    return null;
  }
  if (event.key === "?") return "toggleShortcuts";
  if (key === "delete" || key === "backspace") return "delete";
  if (key === "escape") return "escape";
  if (key === "f2") return "rename";
  if (event.shiftKey) return null;
  if (key === "f") return "fit";
  if (key === "l") return "tidy";
  if (key === "c") return "connect";
  if (key === "n") return "connectNo";
  return null;
}

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The canvas's keyboard shortcuts (the table is in shortcuts.ts), listened for on the window so
 * they work wherever focus is, except while typing into a field. While the shortcut list is open
 * only "?" and Escape act.
 */
export function useEditorShortcuts(view: { fit: () => void; tidy: () => void }): void {
  const { fit, tidy } = view;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || typingInto(event.target)) return;
      const command = shortcutCommand(event);
      if (!command) return;
      const store = useEditorStore.getState();
      if (store.shortcutsOpen && command !== "toggleShortcuts" && command !== "escape") return;
      // Let the browser keep its own copy and select-all inside ordinary page text.
      if ((command === "copy" || command === "selectAll") && window.getSelection()?.toString()) return;
      event.preventDefault();
      switch (command) {
        case "delete":
          store.deleteSelection();
          break;
        case "copy":
          store.copy();
          break;
        case "paste":
          store.paste();
          break;
        case "undo":
          store.undo();
          break;
        case "redo":
          store.redo();
          break;
        case "selectAll":
          store.selectAll();
          break;
        case "rename": {
          const [only] = [...store.selectedNodeIds];
          if (only) store.setRenaming(only);
          break;
        }
        case "connect":
          store.connectSelected("true");
          break;
        case "connectNo":
          store.connectSelected("false");
          break;
        case "tidy":
          tidy();
          break;
        case "fit":
          fit();
          break;
        case "escape":
          if (store.shortcutsOpen) store.setShortcutsOpen(false);
          else store.select([]);
          break;
        case "toggleShortcuts":
          store.setShortcutsOpen(!store.shortcutsOpen);
          break;
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [fit, tidy]);
}
