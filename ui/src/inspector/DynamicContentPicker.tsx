import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { errorText, ipc, type AvailableOutput, type Flow } from "../ipc/client";

interface DynamicContentPickerProps {
  /** The flow as edited now (the outputs depend on what is upstream of the node). */
  flow: () => Flow;
  nodeId: string;
  /** Which field it serves, for its accessible name. */
  fieldLabel: string;
  /** Called with the chosen output's reference (`steps.get_alert.severity`). */
  onPick: (output: AvailableOutput) => void;
  /** Opened from the start (tests, the condition builder's operand). */
  initiallyOpen?: boolean;
  buttonText?: string;
}

function example(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** Lists the outputs of the steps upstream of a node, grouped by step and searchable. */
export function DynamicContentPicker({ flow, nodeId, fieldLabel, onPick, initiallyOpen = false, buttonText = "⚡ Insert" }: DynamicContentPickerProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const [outputs, setOutputs] = useState<AvailableOutput[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const toggle = useRef<HTMLButtonElement>(null);
  const uid = useId();

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    // Each opening starts a fresh search.
    setQuery("");
    setActive(0);
    setOutputs(null);
    ipc
      .availableOutputs(flow(), nodeId)
      .then((list) => !cancelled && setOutputs(list))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    return () => {
      cancelled = true;
    };
    // `flow` is read when the picker opens; it changes on every edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, nodeId]);

  const groups = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const byNode = new Map<string, { title: string; items: AvailableOutput[] }>();
    for (const output of outputs ?? []) {
      const haystack = `${output.output.label} ${output.output.name} ${output.sourceTitle} ${output.reference}`.toLowerCase();
      if (needle && !haystack.includes(needle)) continue;
      const group = byNode.get(output.sourceNodeId) ?? { title: output.sourceTitle, items: [] };
      group.items.push(output);
      byNode.set(output.sourceNodeId, group);
    }
    return [...byNode.entries()];
  }, [outputs, query]);
  const items = useMemo(() => groups.flatMap(([, group]) => group.items), [groups]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const choose = (output: AvailableOutput | undefined) => {
    if (!output) return;
    setOpen(false);
    onPick(output);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (items.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((index) => (index + step + items.length) % items.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(items[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  };

  return (
    <div className="picker">
      <button
        ref={toggle}
        type="button"
        className="picker-toggle"
        aria-expanded={open}
        aria-label={`Dynamic content for ${fieldLabel}`}
        title="Insert a value from an earlier step"
        onClick={() => setOpen((value) => !value)}
      >
        {buttonText}
      </button>
      {open && (
        <div className="picker-popover" role="dialog" aria-label={`Dynamic content for ${fieldLabel}`} data-testid="dynamic-content-picker">
          <input
            type="search"
            className="picker-search"
            placeholder="Search outputs"
            aria-label="Search outputs"
            value={query}
            autoFocus
            role="combobox"
            aria-expanded="true"
            aria-controls={`${uid}-list`}
            aria-activedescendant={items[active] ? `${uid}-${items[active].reference}` : undefined}
            onChange={(event) => {
              setQuery(event.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
          />
          {outputs === null && !error && <div className="menu-note">Loading…</div>}
          {error && <div className="menu-note status-error">{error}</div>}
          {outputs !== null && groups.length === 0 && (
            <div className="menu-note">{outputs.length === 0 ? "No earlier step has outputs yet: connect this node after the trigger." : "Nothing matches."}</div>
          )}
          <div id={`${uid}-list`} role="listbox" aria-label="Outputs">
          {groups.map(([sourceId, group]) => (
            <div key={sourceId} className="picker-group" role="group" aria-label={group.title}>
              <div className="picker-group-title">{group.title}</div>
              {group.items.map((output) => (
                <button
                  key={output.reference}
                  id={`${uid}-${output.reference}`}
                  type="button"
                  role="option"
                  aria-selected={items[active] === output}
                  tabIndex={-1}
                  className={`picker-item${items[active] === output ? " active" : ""}`}
                  data-testid={`output-${output.reference}`}
                  title={`${output.output.description}\n${output.reference}`}
                  onPointerEnter={() => setActive(items.indexOf(output))}
                  onClick={() => choose(output)}
                >
                  <span className="picker-item-label">{output.output.label}</span>
                  <span className="picker-item-type">{output.output.type}</span>
                  <span className="picker-item-example">{example(output.output.example)}</span>
                </button>
              ))}
            </div>
          ))}
          </div>
        </div>
      )}
    </div>
  );
}
