import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useEditorStore } from "../../state/editorStore";

/**
 * A node's title, renamed inline: double-click it (or press F2 with the node selected), type,
 * Enter or leaving the field saves, Escape cancels. The input is `nodrag` so selecting text
 * never drags the node, and `nopan`/`nowheel` so the canvas leaves it alone.
 */
export const NodeTitle = memo(function NodeTitle({ nodeId, title }: { nodeId: string; title: string }) {
  const editing = useEditorStore((state) => state.renamingNodeId === nodeId);
  const setRenaming = useEditorStore((state) => state.setRenaming);
  const renameNode = useEditorStore((state) => state.renameNode);
  const [draft, setDraft] = useState(title);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) {
      setDraft(title);
      input.current?.focus();
      input.current?.select();
    }
  }, [editing, title]);

  if (!editing) {
    return (
      <span className="flow-node-title" data-testid="node-title" title="Double-click to rename" onDoubleClick={() => setRenaming(nodeId)}>
        {title}
      </span>
    );
  }

  const finish = (save: boolean) => {
    if (save) renameNode(nodeId, draft);
    setRenaming(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Keys typed here belong to the field, not to the canvas shortcuts.
    event.stopPropagation();
    if (event.key === "Enter") finish(true);
    if (event.key === "Escape") finish(false);
  };
  return (
    <input
      ref={input}
      className="flow-node-title-input nodrag nopan nowheel"
      data-testid="node-title-input"
      aria-label={`Rename ${title}`}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(true)}
    />
  );
});
