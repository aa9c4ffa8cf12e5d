import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import { useEditorStore } from "../state/editorStore";
import { useKindsStore } from "../state/kindsStore";
import { stepKinds } from "../state/kindSpecs";
import { NodeIcon } from "./NodeIcon";
import { kindClasses } from "./nodes/NodeCard";

/** The step kinds whose title, description or category contain every word of the query. */
export function matchKinds(kinds: readonly NodeKindSpec[], query: string): NodeKindSpec[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return stepKinds(kinds).filter((spec) => {
    const haystack = `${spec.title} ${spec.description} ${spec.category} ${spec.kind}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/**
 * The add-a-step menu that a "+" on an output handle or on an edge opens: a search box and the
 * step kinds that match; arrows move, Enter adds, Escape closes. The new step goes after the
 * node (or into the edge), connected.
 */
export function NodeMenu() {
  const request = useEditorStore((state) => state.addMenu);
  const close = useEditorStore((state) => state.closeAddMenu);
  const addAfter = useEditorStore((state) => state.addAfter);
  const kinds = useKindsStore((state) => state.kinds);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const matches = useMemo(() => matchKinds(kinds, query), [kinds, query]);

  useEffect(() => {
    // A fresh search each time the menu opens.
    setQuery("");
    setActive(0);
    if (request) search.current?.focus();
  }, [request]);

  if (!request) return null;
  const choose = (spec: NodeKindSpec | undefined) => {
    if (spec) addAfter(spec.kind, request.source, request.port, request.target);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((index) => (matches.length === 0 ? 0 : (index + 1) % matches.length));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((index) => (matches.length === 0 ? 0 : (index - 1 + matches.length) % matches.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(matches[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  };
  const left = Math.max(8, Math.min(request.screen.x, window.innerWidth - 288));
  const top = Math.max(8, Math.min(request.screen.y, window.innerHeight - 320));
  const listId = "node-menu-list";
  return (
    <div className="node-menu-backdrop" onPointerDown={close} data-testid="node-menu-backdrop">
      <div
        className="node-menu"
        role="dialog"
        aria-label={request.target ? "Insert a step into this connection" : "Add a step after this one"}
        data-testid="node-menu"
        style={{ left, top }}
        onPointerDown={(event) => event.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        <input
          ref={search}
          className="picker-search"
          type="search"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={matches[active] ? `node-menu-${matches[active].kind}` : undefined}
          aria-label="Search steps"
          placeholder="Search steps"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
        />
        <ul id={listId} role="listbox" aria-label="Steps" className="node-menu-list">
          {matches.map((spec, index) => (
            <li
              key={spec.kind}
              id={`node-menu-${spec.kind}`}
              role="option"
              aria-selected={index === active}
              className={`node-menu-item ${kindClasses(spec)}${index === active ? " active" : ""}`}
              data-testid={`node-menu-${spec.kind}`}
              onPointerEnter={() => setActive(index)}
              onClick={() => choose(spec)}
            >
              <NodeIcon icon={spec.icon} />
              <span className="palette-text">
                <span className="palette-name">{spec.title}</span>
                <span className="palette-description">{spec.description}</span>
              </span>
              {spec.changesTenant && (
                <span className="shield" aria-label="Changes the tenant" role="img">
                  ⚠
                </span>
              )}
            </li>
          ))}
          {matches.length === 0 && <li className="menu-note">No step matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  );
}
