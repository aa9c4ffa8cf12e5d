import { memo } from "react";
import { NODE_KINDS, type NodeKindId } from "../canvas/nodeKinds";
import { NodeIcon } from "../canvas/NodeIcon";

export const PALETTE_DRAG_TYPE = "application/x-flowguard-node-kind";

interface PaletteProps {
  /** Adds a node of this kind to the canvas (click or keyboard path). */
  onAdd?: (kind: NodeKindId) => void;
}

/** The list of node kinds an analyst can put on the canvas. */
export const Palette = memo(function Palette({ onAdd }: PaletteProps) {
  return (
    <nav className="palette" aria-label="Node palette" data-testid="palette">
      <h2 className="panel-title">Palette</h2>
      <ul>
        {NODE_KINDS.map((info) => (
          <li key={info.kind}>
            <button
              type="button"
              className={`palette-entry category-${info.category}`}
              data-testid={`palette-entry-${info.kind}`}
              data-kind={info.kind}
              aria-label={`Add ${info.title}`}
              title={info.description}
              draggable
              onDragStart={(event) => {
                event.dataTransfer.setData(PALETTE_DRAG_TYPE, info.kind);
                event.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => onAdd?.(info.kind)}
            >
              <span className="palette-icon">
                <NodeIcon kind={info.kind} />
              </span>
              <span className="palette-text">
                <span className="palette-name">{info.title}</span>
                <span className="palette-description">{info.description}</span>
              </span>
              {info.changesTenant && (
                <span className="shield" title="Changes the tenant" aria-label="Changes the tenant">
                  ⚠
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
});
