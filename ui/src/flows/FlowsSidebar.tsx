import { useCallback, useEffect, useRef, useState } from "react";
import { errorText, ipc, type FlowSummary, type TemplateInfo } from "../ipc/client";
import { useFlowSession } from "../state/flowSession";
import { FlowStatusLine, useNow } from "./flowStatus";
import { useImportExport } from "./ImportExport";
import "./flows.css";

/** How long the Undo toast stays after a deletion. */
export const UNDO_MS = 8000;

function NewFlowMenu({ onClose }: { onClose: () => void }) {
  const create = useFlowSession((state) => state.create);
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A click anywhere else closes the menu.
    const onPointerDown = (event: MouseEvent) => {
      const target = event.target as Element | null;
      if (menu.current && target && !menu.current.contains(target) && !target.closest("[data-testid=flow-new]")) onClose();
    };
    document.addEventListener("mousedown", onPointerDown);
    return () => document.removeEventListener("mousedown", onPointerDown);
  }, [onClose]);
  useEffect(() => {
    let cancelled = false;
    ipc
      .listTemplates()
      .then((list) => !cancelled && setTemplates(list))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    first.current?.focus();
    return () => {
      cancelled = true;
    };
  }, []);
  const choose = (template: string | null) => {
    onClose();
    void create(template, "");
  };
  return (
    <div
      ref={menu}
      className="new-flow-menu"
      role="menu"
      aria-label="New flow"
      data-testid="new-flow-menu"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <button ref={first} type="button" role="menuitem" className="menu-item" data-testid="new-flow-blank" onClick={() => choose(null)}>
        <span className="menu-item-title">Blank flow</span>
        <span className="menu-item-help">Starts with a manual trigger</span>
      </button>
      {templates === null && !error && <div className="menu-note">Loading templates…</div>}
      {error && <div className="menu-note status-error">{error}</div>}
      {templates?.map((template) => (
        <button
          key={template.name}
          type="button"
          role="menuitem"
          className="menu-item"
          data-testid={`new-flow-template-${template.name}`}
          onClick={() => choose(template.name)}
        >
          <span className="menu-item-title">{template.title}</span>
          <span className="menu-item-help">{template.description}</span>
        </button>
      ))}
    </div>
  );
}

function FlowItem({ summary, open, now }: { summary: FlowSummary; open: boolean; now: number }) {
  const openFlow = useFlowSession((state) => state.open);
  const rename = useFlowSession((state) => state.rename);
  const duplicate = useFlowSession((state) => state.duplicate);
  const remove = useFlowSession((state) => state.remove);
  const setEnabled = useFlowSession((state) => state.setEnabled);
  const tenantChanges = useFlowSession((state) => state.tenantChanges);
  const [mode, setMode] = useState<"idle" | "renaming" | "confirming">("idle");
  const [enabling, setEnabling] = useState<string[] | null>(null);
  const toggle = async (on: boolean) => {
    if (on) {
      const changes = await tenantChanges(summary.id);
      if (changes.length > 0) {
        setEnabling(changes);
        return;
      }
    }
    await setEnabled(summary.id, on);
  };
  const [draft, setDraft] = useState(summary.name);
  const problems = summary.problems;

  if (mode === "renaming") {
    const finish = (save: boolean) => {
      setMode("idle");
      if (save && draft.trim() && draft.trim() !== summary.name) void rename(summary.id, draft);
    };
    return (
      <li className="flow-item renaming">
        <input
          className="flow-rename-input"
          aria-label={`New name for ${summary.name}`}
          data-testid={`flow-rename-input-${summary.id}`}
          value={draft}
          maxLength={200}
          autoFocus
          onChange={(event) => setDraft(event.target.value)}
          onBlur={() => finish(true)}
          onKeyDown={(event) => {
            if (event.key === "Enter") finish(true);
            if (event.key === "Escape") finish(false);
          }}
        />
      </li>
    );
  }

  return (
    <li className={`flow-item${open ? " open" : ""}`} data-testid={`flow-item-${summary.id}`}>
      <button
        type="button"
        className="flow-open"
        aria-current={open ? "page" : undefined}
        aria-label={`Open ${summary.name}${summary.enabled ? " (enabled)" : " (disabled)"}${problems > 0 ? `, ${problems} problem${problems === 1 ? "" : "s"}` : ""}`}
        onClick={() => void openFlow(summary.id)}
        onDoubleClick={() => {
          setDraft(summary.name);
          setMode("renaming");
        }}
      >
        <span className={`enabled-dot${summary.enabled ? " on" : ""}`} aria-hidden="true">
          {summary.enabled ? "●" : "○"}
        </span>
        <span className="flow-item-name">{summary.name}</span>
        {problems > 0 && (
          <span className="problem-badge problem-warning" title={`${problems} problem${problems === 1 ? "" : "s"}`} data-testid={`flow-problems-${summary.id}`}>
            {problems}
          </span>
        )}
      </button>
      <div className="flow-item-actions">
        <label className="switch" title={summary.enabled ? "Enabled: runs on its trigger" : "Disabled"}>
          <input
            type="checkbox"
            role="switch"
            aria-label={`Enable ${summary.name}`}
            data-testid={`flow-enabled-${summary.id}`}
            checked={summary.enabled}
            onChange={(event) => void toggle(event.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
        </label>
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${summary.name}`}
          title="Rename"
          data-testid={`flow-rename-${summary.id}`}
          onClick={() => {
            setDraft(summary.name);
            setMode("renaming");
          }}
        >
          ✎
        </button>
        <button type="button" className="icon-button" aria-label={`Duplicate ${summary.name}`} title="Duplicate" data-testid={`flow-duplicate-${summary.id}`} onClick={() => void duplicate(summary.id)}>
          ❐
        </button>
        <button type="button" className="icon-button danger" aria-label={`Delete ${summary.name}`} title="Delete" data-testid={`flow-delete-${summary.id}`} onClick={() => setMode("confirming")}>
          ✕
        </button>
      </div>
      <FlowStatusLine summary={summary} now={now} />
      {enabling && (
        <div className="confirm" role="alertdialog" aria-label={`Enable ${summary.name}?`} data-testid="confirm-enable">
          <span>
            When enabled, this flow runs on its own and changes the tenant: {enabling.join(", ")}. Enable it?
          </span>
          <button
            type="button"
            className="danger-button"
            data-testid="confirm-enable-yes"
            autoFocus
            onClick={() => {
              setEnabling(null);
              void setEnabled(summary.id, true);
            }}
          >
            Enable
          </button>
          <button type="button" className="plain-button" onClick={() => setEnabling(null)}>
            Cancel
          </button>
        </div>
      )}
      {mode === "confirming" && (
        <div className="confirm" role="alertdialog" aria-label={`Delete ${summary.name}?`}>
          <span>Delete “{summary.name}”?</span>
          <button type="button" className="danger-button" data-testid="confirm-delete" autoFocus onClick={() => {
            setMode("idle");
            void remove(summary.id);
          }}>
            Delete
          </button>
          <button type="button" className="plain-button" onClick={() => setMode("idle")}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}

function UndoToast() {
  const deleted = useFlowSession((state) => state.deleted);
  const undoDelete = useFlowSession((state) => state.undoDelete);
  const dismiss = useFlowSession((state) => state.dismissDeleted);
  useEffect(() => {
    if (!deleted) return;
    const timer = window.setTimeout(dismiss, UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [deleted, dismiss]);
  if (!deleted) return null;
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>Deleted “{deleted.flow.name}”.</span>
      <button type="button" className="plain-button" data-testid="undo-delete" onClick={() => void undoDelete()}>
        Undo
      </button>
    </div>
  );
}

/** The saved flows: open, new (blank or from a template), rename, duplicate, delete, enable. */
export function FlowsSidebar() {
  const flows = useFlowSession((state) => state.flows);
  const openId = useFlowSession((state) => state.flow?.id);
  const error = useFlowSession((state) => state.error);
  const clearError = useFlowSession((state) => state.clearError);
  const [menuOpen, setMenuOpen] = useState(false);
  const closeMenu = useCallback(() => setMenuOpen(false), []);
  const now = useNow();
  const files = useImportExport();

  return (
    <section className="flows-sidebar" aria-label="Flows" data-testid="flows-sidebar">
      <div className="panel-header">
        <h2 className="panel-title">Flows</h2>
        <div className="panel-header-actions">
          {files.buttons}
          <button type="button" className="tool-button" data-testid="flow-new" aria-haspopup="menu" aria-expanded={menuOpen} onClick={() => setMenuOpen((open) => !open)}>
            + New
          </button>
        </div>
      </div>
      {menuOpen && <NewFlowMenu onClose={closeMenu} />}
      {files.messages}
      {error && (
        <div className="sidebar-error" role="alert" data-testid="flows-error">
          <span>{error}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={clearError}>
            ×
          </button>
        </div>
      )}
      <ul className="flow-list">
        {flows.map((summary) => (
          <FlowItem key={summary.id} summary={summary} open={summary.id === openId} now={now} />
        ))}
        {flows.length === 0 && <li className="menu-note">No flows yet.</li>}
      </ul>
      <UndoToast />
    </section>
  );
}
