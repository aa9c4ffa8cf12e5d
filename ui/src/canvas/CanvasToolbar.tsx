import { useEditorStore } from "../state/editorStore";
import type { LayoutDirection } from "../state/layout";
import { displayKeys } from "./shortcuts";

interface CanvasToolbarProps {
  /** Tidies the layout, in the given direction or the flow's current one. */
  onTidy: (direction?: LayoutDirection) => void;
  onFit: () => void;
}

/** Undo, redo, delete, tidy layout, zoom to fit and the shortcut list, above the canvas. */
export function CanvasToolbar({ onTidy, onFit }: CanvasToolbarProps) {
  const canUndo = useEditorStore((state) => state.past.length > 0);
  const canRedo = useEditorStore((state) => state.future.length > 0);
  const hasSelection = useEditorStore((state) => state.selectedNodeIds.size + state.selectedEdgeIds.size > 0);
  const twoSelected = useEditorStore((state) => state.selectedNodeIds.size === 2);
  const connectSelected = useEditorStore((state) => state.connectSelected);
  const isEmpty = useEditorStore((state) => state.doc.trigger === null && state.doc.steps.length === 0);
  const undo = useEditorStore((state) => state.undo);
  const redo = useEditorStore((state) => state.redo);
  const deleteSelection = useEditorStore((state) => state.deleteSelection);
  const setShortcutsOpen = useEditorStore((state) => state.setShortcutsOpen);
  const direction = useEditorStore((state) => state.direction);
  const other: LayoutDirection = direction === "TB" ? "LR" : "TB";

  const button = (testId: string, label: string, keys: string, text: string, onClick: () => void, disabled = false) => (
    <button type="button" className="tool-button" data-testid={testId} aria-label={label} title={`${label} (${displayKeys(keys)})`} disabled={disabled} onClick={onClick}>
      {text}
    </button>
  );

  return (
    <div className="canvas-toolbar" role="toolbar" aria-label="Canvas tools" data-testid="canvas-toolbar">
      {button("toolbar-undo", "Undo", "Mod+Z", "Undo", undo, !canUndo)}
      {button("toolbar-redo", "Redo", "Shift+Mod+Z", "Redo", redo, !canRedo)}
      <span className="toolbar-divider" aria-hidden="true" />
      {button("toolbar-delete", "Delete the selection", "Delete", "Delete", deleteSelection, !hasSelection)}
      {button("toolbar-connect", "Connect the first selected node to the second", "C", "Connect", () => void connectSelected(), !twoSelected)}
      {button("toolbar-tidy", `Tidy the layout (${direction === "TB" ? "top to bottom" : "left to right"})`, "L", direction === "TB" ? "Tidy ↓" : "Tidy →", () => onTidy(), isEmpty)}
      <button
        type="button"
        className="tool-button"
        data-testid="toolbar-direction"
        aria-label={`Lay the flow out ${other === "TB" ? "top to bottom" : "left to right"}`}
        title={`Lay the flow out ${other === "TB" ? "top to bottom" : "left to right"}`}
        disabled={isEmpty}
        onClick={() => onTidy(other)}
      >
        {other === "TB" ? "↓" : "→"}
      </button>
      {button("toolbar-fit", "Zoom to fit", "F", "Fit", onFit)}
      <span className="toolbar-divider" aria-hidden="true" />
      {button("toolbar-shortcuts", "Keyboard shortcuts", "?", "?", () => setShortcutsOpen(true))}
    </div>
  );
}
