import { useState, type ReactNode } from "react";
import { errorText, IpcError, ipc, type ImportConflict, type ImportResult } from "../ipc/client";
import { useFlowSession } from "../state/flowSession";

type Notice = { ok: boolean; text: string } | null;

/** Saves the open flow first when it has unsaved edits (an export or import must see them). */
async function saveOpenFlow(): Promise<void> {
  const session = useFlowSession.getState();
  if (session.flow && session.saveStatus !== "saved") await session.saveNow();
}

/** After an import: the list shows it and the editor opens it (again, when it replaced the open flow). */
async function openImported(result: ImportResult): Promise<void> {
  const session = useFlowSession.getState();
  await session.refresh();
  if (session.flow?.id === result.id) useFlowSession.setState({ flow: null });
  await useFlowSession.getState().open(result.id);
}

function importedText(result: ImportResult): string {
  const count = result.diagnostics.length;
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  if (count === 0) return `Imported “${result.name}”.`;
  const problems = `${count} problem${count === 1 ? "" : "s"}`;
  return `Imported “${result.name}” with ${problems}${errors > 0 ? " to fix before it can be enabled" : ""} (see Problems).`;
}

/**
 * The saved flow's name in a conflict's detail, if the command named it (the detail's own words,
 * "a flow with id … already exists", name an id, which means nothing to a person: never shown).
 */
function savedName(detail: string): string | null {
  const flows = useFlowSession.getState().flows;
  return flows.find((flow) => detail.includes(`'${flow.id}'`) || detail.includes(` ${flow.id} `) || detail.endsWith(` ${flow.id}`))?.name ?? null;
}

/**
 * The sidebar's Import and Export buttons (`buttons`, for the panel's header) and, below it,
 * the import's conflict question and what happened (`messages`).
 */
export function useImportExport(): { buttons: ReactNode; messages: ReactNode } {
  const openId = useFlowSession((state) => state.flow?.id);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [conflict, setConflict] = useState<{ path: string; name: string | null } | null>(null);

  const importFile = async (path: string, onConflict: ImportConflict) => {
    setBusy(true);
    setConflict(null);
    try {
      const result = await ipc.importFlowFile(path, onConflict);
      await openImported(result);
      setNotice({ ok: true, text: importedText(result) });
    } catch (error) {
      if (onConflict === "fail" && error instanceof IpcError && error.kind === "conflict") setConflict({ path, name: savedName(error.detail) });
      else setNotice({ ok: false, text: `Import failed: ${errorText(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const startImport = async () => {
    setNotice(null);
    setConflict(null);
    try {
      const path = await ipc.pickFlowFile();
      if (!path) return;
      await saveOpenFlow();
      await importFile(path, "fail");
    } catch (error) {
      setNotice({ ok: false, text: `Import failed: ${errorText(error)}` });
    }
  };

  const exportOpen = async () => {
    if (!openId) return;
    setNotice(null);
    setBusy(true);
    try {
      await saveOpenFlow();
      const path = await ipc.exportFlow(openId);
      if (path) setNotice({ ok: true, text: `Exported to ${path}` });
    } catch (error) {
      setNotice({ ok: false, text: `Export failed: ${errorText(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const buttons = (
    <>
        <button type="button" className="tool-button compact" aria-label="Import a flow file" title="Import a flow from a file" data-testid="flow-import" disabled={busy} onClick={() => void startImport()}>
          Import
        </button>
        <button
          type="button"
          className="tool-button compact"
          aria-label="Export the open flow"
          title="Export the open flow to a file"
          data-testid="flow-export"
          disabled={busy || !openId}
          onClick={() => void exportOpen()}
        >
          Export
        </button>
    </>
  );
  const messages = (
    <>
      {conflict && (
        <div
          className="confirm import-conflict"
          role="alertdialog"
          aria-label="This flow is already in Flowguard"
          data-testid="import-conflict"
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              setConflict(null);
            }
          }}
        >
          <span>
            This file’s flow is already in Flowguard{conflict.name ? ` as “${conflict.name}”` : ""} (it was imported or exported from here before).
            Replace the saved flow with the file, or import the file as a separate copy?
          </span>
          <button type="button" className="danger-button" data-testid="import-replace" onClick={() => void importFile(conflict.path, "replace")}>
            Replace it
          </button>
          <button type="button" className="plain-button" autoFocus data-testid="import-copy" onClick={() => void importFile(conflict.path, "copy")}>
            Import as a copy
          </button>
          <button type="button" className="plain-button" data-testid="import-cancel" onClick={() => setConflict(null)}>
            Cancel
          </button>
        </div>
      )}
      {notice && (
        <div className={`sidebar-notice${notice.ok ? "" : " sidebar-notice-error"}`} role={notice.ok ? "status" : "alert"} data-testid="flow-file-notice">
          <span>{notice.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
    </>
  );
  return { buttons, messages };
}
