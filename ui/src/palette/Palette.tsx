import { memo, useEffect } from "react";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import type { Category } from "../ipc/bindings/Category";
import { NodeIcon } from "../canvas/NodeIcon";
import { kindClasses } from "../canvas/nodes/NodeCard";
import { useKindsStore } from "../state/kindsStore";
import { isTriggerSpec } from "../state/kindSpecs";

export const PALETTE_DRAG_TYPE = "application/x-flowguard-node-kind";

interface PaletteProps {
  /** Adds a node of this kind to the canvas (click or keyboard path). */
  onAdd?: (kind: string) => void;
  /** A flow has one trigger: while it has one, the trigger kinds are disabled, saying why. */
  hasTrigger?: boolean;
}

export const TRIGGER_TAKEN_REASON = "This flow already has a trigger; a flow starts from exactly one. Delete it first to choose another.";

/** The palette's sections, in the order a flow reads; a category the UI does not name goes last. */
export const CATEGORY_TITLES: Record<Category, string> = {
  trigger: "Start when",
  read: "Read",
  decision: "Decide",
  action: "Act",
};

/** The kinds grouped by category, each group in registry order. */
export function paletteGroups(kinds: readonly NodeKindSpec[]): { category: string; title: string; kinds: NodeKindSpec[] }[] {
  const order = Object.keys(CATEGORY_TITLES);
  const categories = [...new Set(kinds.map((spec) => spec.category as string))].sort((a, b) => {
    const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
    return rank(a) - rank(b);
  });
  return categories.map((category) => ({
    category,
    title: CATEGORY_TITLES[category as Category] ?? category,
    kinds: kinds.filter((spec) => spec.category === category),
  }));
}

/** The node kinds an analyst can put on the canvas, as the Rust registry lists them. */
export const Palette = memo(function Palette({ onAdd, hasTrigger = false }: PaletteProps) {
  const kinds = useKindsStore((state) => state.kinds);
  const status = useKindsStore((state) => state.status);
  const load = useKindsStore((state) => state.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <nav className="palette" aria-label="Node palette" data-testid="palette">
      <h2 className="panel-title">Palette</h2>
      {status === "error" && <p className="menu-note status-error">The node kinds could not be loaded.</p>}
      {kinds.length === 0 && status !== "error" && <p className="menu-note">Loading…</p>}
      {paletteGroups(kinds).map((group) => (
        <section key={group.category} className="palette-group" aria-label={group.title}>
          <h3 className="palette-group-title">{group.title}</h3>
          <ul>
            {group.kinds.map((spec) => (
              <PaletteEntry key={spec.kind} spec={spec} unavailable={isTriggerSpec(spec) && hasTrigger} onAdd={onAdd} />
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
});

function PaletteEntry({ spec, unavailable, onAdd }: { spec: NodeKindSpec; unavailable: boolean; onAdd: PaletteProps["onAdd"] }) {
  const permission = (spec as NodeKindSpec & { permission?: string }).permission;
  const description = permission ? `${spec.description} Needs ${permission}.` : spec.description;
  // aria-disabled rather than disabled: the entry stays focusable so its reason can be read.
  return (
    <li>
      <button
        type="button"
        className={`palette-entry ${kindClasses(spec)}`}
        data-testid={`palette-entry-${spec.kind}`}
        data-kind={spec.kind}
        aria-label={`Add ${spec.title}`}
        title={unavailable ? TRIGGER_TAKEN_REASON : `${description} Click, press Enter or drag onto the canvas.`}
        aria-disabled={unavailable || undefined}
        aria-description={unavailable ? TRIGGER_TAKEN_REASON : description}
        draggable={!unavailable}
        onDragStart={(event) => {
          if (unavailable) {
            event.preventDefault();
            return;
          }
          event.dataTransfer.setData(PALETTE_DRAG_TYPE, spec.kind);
          event.dataTransfer.effectAllowed = "copy";
        }}
        onClick={() => {
          if (!unavailable) onAdd?.(spec.kind);
        }}
      >
        <span className="palette-icon">
          <NodeIcon icon={spec.icon} />
        </span>
        <span className="palette-text">
          <span className="palette-name">{spec.title}</span>
          <span className="palette-description">{spec.description}</span>
          {permission && <span className="palette-permission">Needs {permission}</span>}
        </span>
        {spec.changesTenant && (
          <span className="shield" title="Changes the tenant" aria-label="Changes the tenant">
            ⚠
          </span>
        )}
      </button>
    </li>
  );
}
