// Every keyboard shortcut of the canvas, in one table: the overlay lists it and the tests check
// that the overlay shows each entry. The key handling itself is in useEditorShortcuts.ts.

export interface Shortcut {
  /** Key names joined with "+"; "Mod" reads as ⌘ on a Mac and Ctrl elsewhere. */
  keys: string[];
  action: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ["Enter"], action: "Add the focused palette entry near the middle of the canvas" },
  { keys: ["Delete", "Backspace"], action: "Delete the selected nodes and connections" },
  { keys: ["Mod+C"], action: "Copy the selected nodes" },
  { keys: ["Mod+V"], action: "Paste (new ids, a little offset)" },
  { keys: ["Mod+Z"], action: "Undo" },
  { keys: ["Shift+Mod+Z", "Ctrl+Y"], action: "Redo" },
  { keys: ["Mod+A"], action: "Select every node" },
  { keys: ["Shift+Click", "Shift+Drag"], action: "Add to the selection, or select with a box" },
  { keys: ["Arrow keys"], action: "Move the focused node" },
  { keys: ["C"], action: "Connect the first selected node to the second (a condition's Yes output)" },
  { keys: ["N"], action: "Connect a selected condition's No output to the second selected node" },
  { keys: ["F2", "Double-click title"], action: "Rename the selected node" },
  { keys: ["L"], action: "Tidy the layout" },
  { keys: ["F"], action: "Zoom to fit" },
  { keys: ["Space+Drag"], action: "Pan the canvas" },
  { keys: ["Escape"], action: "Clear the selection, or close this list" },
  { keys: ["Mod+,"], action: "Open Settings" },
  { keys: ["?"], action: "Show or hide this list" },
];

export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** "Shift+Mod+Z" → "Shift+⌘+Z" on a Mac, "Shift+Ctrl+Z" elsewhere. */
export function displayKeys(keys: string, mac: boolean = isMac()): string {
  return keys.replace(/Mod/g, mac ? "⌘" : "Ctrl");
}
