import { useEffect, useState } from "react";
import { useFlowSession, type SaveStatus } from "../state/flowSession";

const STATUS_TEXT: Record<SaveStatus, string> = { saved: "Saved ✓", saving: "Saving…", unsaved: "Unsaved", error: "Not saved" };

/** The open flow's name (editable) and whether it is saved, in the window's toolbar. */
export function FlowHeader() {
  const flow = useFlowSession((state) => state.flow);
  const status = useFlowSession((state) => state.saveStatus);
  const saveError = useFlowSession((state) => state.saveError);
  const setName = useFlowSession((state) => state.setName);
  const [draft, setDraft] = useState(flow?.name ?? "");
  useEffect(() => setDraft(flow?.name ?? ""), [flow?.id, flow?.name]);

  if (!flow) return <span className="toolbar-flow-name">Untitled flow</span>;
  const commit = () => {
    const clean = draft.trim();
    if (clean) setName(clean);
    else setDraft(flow.name);
  };
  return (
    <>
      <input
        className="toolbar-flow-name flow-name-input"
        aria-label="Flow name"
        data-testid="flow-name"
        value={draft}
        maxLength={200}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") (event.target as HTMLInputElement).blur();
          if (event.key === "Escape") setDraft(flow.name);
        }}
      />
      <span className={`save-status save-${status}`} role="status" data-testid="save-status" title={saveError ?? undefined}>
        {STATUS_TEXT[status]}
      </span>
      <span className={`enabled-dot${flow.enabled ? " on" : ""}`} title={flow.enabled ? "Enabled" : "Disabled"}>
        {flow.enabled ? "● Enabled" : "○ Disabled"}
      </span>
    </>
  );
}
