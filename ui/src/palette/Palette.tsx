import { memo } from "react";
import { NODE_KINDS, type NodeKindId } from "../canvas/nodeKinds";
import { NodeIcon } from "../canvas/NodeIcon";

export const PALETTE_DRAG_TYPE = "application/x-flowguard-node-kind";

interface PaletteProps {
  /** Adds a node of this kind to the canvas (click or keyboard path). */
  onAdd?: (kind: NodeKindId) => void;
  /** A flow has one trigger: while it has one, the Trigger entry is disabled, saying why. */
  hasTrigger?: boolean;
}

export const TRIGGER_TAKEN_REASON = "This flow already has a trigger; a flow starts from exactly one. Delete it first to choose another.";

/** The list of node kinds an analyst can put on the canvas. */
export const Palette = memo(function Palette({ onAdd, hasTrigger = false }: PaletteProps) {
  return (
    <nav className="palette" aria-label="Node palette" data-testid="palette">
      <h2 className="panel-title">Palette</h2>
      <ul>
        {NODE_KINDS.map((info) => {
          // aria-disabled rather than disabled: the entry stays focusable so its reason can be read.
          const unavailable = info.kind === "trigger" && hasTrigger;
          return (
            <li key={info.kind}>
              <button
                type="button"
                className={`palette-entry category-${info.category}`}
                data-testid={`palette-entry-${info.kind}`}
                data-kind={info.kind}
                aria-label={`Add ${info.title}`}
                title={unavailable ? TRIGGER_TAKEN_REASON : `${info.description}. Click, press Enter or drag onto the canvas.`}
                aria-disabled={unavailable || undefined}
                aria-description={unavailable ? TRIGGER_TAKEN_REASON : info.description}
                draggable={!unavailable}
                onDragStart={(event) => {
                  if (unavailable) {
                    event.preventDefault();
                    return;
                  }
                  event.dataTransfer.setData(PALETTE_DRAG_TYPE, info.kind);
                  event.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => {
                  if (!unavailable) onAdd?.(info.kind);
                }}
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
          );
        })}
      </ul>
    </nav>
  );
});
