import { useCallback, useEffect, useRef, useState } from "react";
import { errorText, ipc, type FlowSummary, type TemplateInfo } from "../ipc/client";
import { useFlowSession } from "../state/flowSession";
import { useGalleryStore } from "../gallery/galleryStore";
import { openFromTemplate } from "../gallery/TemplateGallery";
import { useFlowDialogs } from "./flowDialogs";
import { FlowStatusLine, useNow } from "./flowStatus";
import { useImportExport } from "./ImportExport";
import { duplicateNameWarning } from "./flowNames";
import "./flows.css";

/** How long the Undo toast stays after a deletion (counted while the pointer or the focus is not on it). */
export const UNDO_MS = 8000;

function NewFlowMenu({ onClose }: { onClose: () => void }) {
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
    void openFromTemplate(template);
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
      <button
        type="button"
        role="menuitem"
        className="menu-item"
        data-testid="new-flow-gallery"
        onClick={() => {
          onClose();
          useGalleryStore.getState().openGallery();
        }}
      >
        <span className="menu-item-title">Browse templates…</span>
        <span className="menu-item-help">Every template with its full description and steps</span>
      </button>
    </div>
  );
}

function FlowItem({ summary, open, now }: { summary: FlowSummary; open: boolean; now: number }) {
  const openFlow = useFlowSession((state) => state.open);
  const rename = useFlowSession((state) => state.rename);
  const duplicate = useFlowSession((state) => state.duplicate);
  const remove = useFlowSession((state) => state.remove);
  const setEnabled = useFlowSession((state) => state.setEnabled);
  const refresh = useFlowSession((state) => state.refresh);
  const openEnable = useFlowDialogs((state) => state.openEnable);
  const [mode, setMode] = useState<"idle" | "renaming" | "confirming" | "real-runs">("idle");
  // Switching on opens the Enable dialog (it starts from now, and says what arrived while off).
  const toggle = (on: boolean) => {
    if (on) openEnable(summary.id);
    else void setEnabled(summary.id, false);
  };
  const dryRunOnly = async (on: boolean) => {
    try {
      await ipc.setFlowDryRunOnly(summary.id, on);
    } catch (error) {
      useFlowSession.setState({ error: errorText(error) });
    }
    await refresh();
  };
  const [draft, setDraft] = useState(summary.name);
  const problems = summary.problems;
  const flows = useFlowSession((state) => state.flows);

  if (mode === "renaming") {
    const renameWarning = duplicateNameWarning(draft, summary.id, flows);
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
          aria-describedby={renameWarning ? `flow-name-warning-${summary.id}` : undefined}
          onKeyDown={(event) => {
            if (event.key === "Enter") finish(true);
            if (event.key === "Escape") finish(false);
          }}
        />
        {renameWarning && (
          <span className="flow-name-warning" id={`flow-name-warning-${summary.id}`} role="status" data-testid={`flow-name-warning-${summary.id}`}>
            {renameWarning}
          </span>
        )}
      </li>
    );
  }

  const sharedName = duplicateNameWarning(summary.name, summary.id, flows);
  return (
    <li className={`flow-item${open ? " open" : ""}`} data-testid={`flow-item-${summary.id}`}>
      <button
        type="button"
        className="flow-open"
        aria-current={open ? "page" : undefined}
        aria-label={`Open ${summary.name}${summary.enabled ? " (enabled)" : " (disabled)"}${summary.dryRunOnly ? ", dry run only" : ""}${problems > 0 ? `, ${problems} problem${problems === 1 ? "" : "s"}` : ""}`}
        onClick={() => void openFlow(summary.id)}
        onDoubleClick={() => {
          setDraft(summary.name);
          setMode("renaming");
        }}
      >
        <span className={`enabled-dot${summary.enabled ? " on" : ""}`} aria-hidden="true">
          {summary.enabled ? "●" : "○"}
        </span>
        <span className="flow-item-name" title={summary.name}>
          {summary.name}
        </span>
        {problems > 0 && (
          <span className="problem-badge problem-warning" title={`${problems} problem${problems === 1 ? "" : "s"}`} data-testid={`flow-problems-${summary.id}`}>
            {problems}
          </span>
        )}
      </button>
      <div className="flow-item-actions">
        <label className="switch" title={summary.enabled ? `On: runs published v${summary.publishedVersion ?? "?"} on its trigger` : "Off: runs only with Run now"}>
          <input
            type="checkbox"
            role="switch"
            aria-label={`Enable ${summary.name}`}
            data-testid={`flow-enabled-${summary.id}`}
            checked={summary.enabled}
            onChange={(event) => toggle(event.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
        </label>
        <label className={`dry-only-toggle${summary.dryRunOnly ? " on" : ""}`} title={summary.dryRunOnly ? "Dry run only: its background runs record what they would do and send nothing" : "Background runs are real (switch on to make them dry runs only)"}>
          <input
            type="checkbox"
            aria-label={`Dry run only for ${summary.name}`}
            data-testid={`flow-dry-run-only-${summary.id}`}
            checked={summary.dryRunOnly}
            onChange={(event) => {
              // Turning it off makes an enabled flow's background runs real: ask first.
              if (!event.target.checked && summary.enabled) setMode("real-runs");
              else void dryRunOnly(event.target.checked);
            }}
          />
          <span aria-hidden="true">Dry</span>
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
      {sharedName && (
        <span className="flow-name-warning" role="note" data-testid={`flow-name-warning-${summary.id}`}>
          {sharedName}
        </span>
      )}
      {mode === "real-runs" && (
        <div className="confirm" role="alertdialog" aria-label={`Make the background runs of ${summary.name} real?`} data-testid="confirm-real-runs">
          <span>“{summary.name}” is on: its background runs will change the tenant for real. Turn dry run only off?</span>
          <button
            type="button"
            className="danger-button"
            data-testid="confirm-real-runs-yes"
            autoFocus
            onClick={() => {
              setMode("idle");
              void dryRunOnly(false);
            }}
          >
            Turn off
          </button>
          <button type="button" className="plain-button" onClick={() => setMode("idle")}>
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
  // Held while hovered or focused, like the canvas's notice: reaching for Undo never loses it.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!deleted || held) return;
    const timer = window.setTimeout(dismiss, UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [deleted, held, dismiss]);
  useEffect(() => {
    if (!deleted) setHeld(false);
  }, [deleted]);
  if (!deleted) return null;
  return (
    <div
      className="undo-toast"
      role="status"
      data-testid="undo-toast"
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
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
