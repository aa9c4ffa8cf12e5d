import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { RunControls } from "./RunControls";
import { resetRunStore, useRunStore } from "./runStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { resetEditor, useEditorStore } from "../state/editorStore";
import type { AlertChoice } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { FLOW_ID, runItem, seedFlow, summaryOf } from "./runFixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const ALERTS: AlertChoice[] = [
  { id: "da-old", title: "Suspicious PowerShell", severity: "Medium", status: "New", machineId: "m1", computerDnsName: "pc-01.contoso.com", createdAt: "2026-11-25T07:00:00Z" },
  { id: "da-new", title: "Ransomware behaviour", severity: "High", status: "New", machineId: "m2", computerDnsName: "pc-02.contoso.com", createdAt: "2026-11-25T08:30:00Z" },
];

function backend() {
  const calls: string[] = [];
  routeInvoke({
    list_alerts: () => ALERTS,
    save_flow: () => {
      calls.push("save_flow");
      return { version: 4, newVersion: true, enabled: false, diagnostics: [] };
    },
    list_flows: () => [summaryOf(seedFlow(), 4)],
    run_flow: () => {
      calls.push("run_flow");
      return "run-42";
    },
    get_run: () => ({ run: runItem("run-42", "running", { durationMs: null }), triggerPayload: {}, rerunOf: null, steps: [], flow: seedFlow() }),
  });
  return calls;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetRunStore();
  act(() => useFlowSession.getState().openFlow(seedFlow()));
});

describe("Run now", () => {
  it("lists the alerts newest first with their severity and runs the chosen one with the dry-run flag", async () => {
    backend();
    render(<RunControls />);
    // The Dry run choice is the dialog's own: there is no switch in the toolbar.
    expect(screen.queryByRole("switch", { name: "Dry run" })).toBeNull();
    expect(screen.queryByRole("checkbox", { name: /Dry run/ })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    const dialog = screen.getByRole("dialog", { name: "Run now" });
    // The flow isolates: dry run starts on.
    expect(within(dialog).getByRole("checkbox", { name: /Dry run/ })).toBeChecked();
    await within(dialog).findByRole("radio", { name: /Ransomware behaviour/ });
    const options = within(dialog).getAllByTestId("run-alert");
    expect(options.map((option) => option.textContent)).toEqual([expect.stringContaining("Ransomware behaviour"), expect.stringContaining("Suspicious PowerShell")]);
    const older = within(dialog).getByRole("radio", { name: /Suspicious PowerShell/ });
    expect(older).toHaveAccessibleName(expect.stringContaining("Medium"));
    expect(within(dialog).getByRole("radio", { name: /Ransomware behaviour/ })).toHaveAccessibleName(expect.stringContaining("High"));
    // The newest alert is picked at first.
    expect(within(dialog).getByRole("radio", { name: /Ransomware behaviour/ })).toBeChecked();
    expect(within(dialog).getByRole("button", { name: "Run" })).toBeInTheDocument();

    fireEvent.click(older);
    fireEvent.click(within(dialog).getByRole("button", { name: "Run" }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("run_flow", { request: { flowId: FLOW_ID, dryRun: true, trigger: { kind: "alert", alertId: "da-old" } } }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(useRunStore.getState().runId).toBe("run-42");
    expect(useRunStore.getState().panelOpen).toBe(true);
    // (The first test of the file pays for loading the modules: room for a busy machine.)
  }, 20_000);

  it("preselects the newest alert that passes the trigger's filter, not merely the newest", async () => {
    backend();
    const flow = seedFlow();
    act(() => useFlowSession.getState().openFlow({ ...flow, trigger: { ...flow.trigger!, inputs: { minSeverity: "Medium", titleContains: "powershell" } } }));
    render(<RunControls />);
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    const dialog = screen.getByRole("dialog", { name: "Run now" });
    await waitFor(() => expect(within(dialog).getByRole("radio", { name: /Suspicious PowerShell/ })).toBeChecked());
    expect(within(dialog).getByRole("radio", { name: /Ransomware behaviour/ })).not.toBeChecked();
    expect(within(dialog).queryByTestId("run-no-matching-alert")).toBeNull();
  });

  it("says when no recent alert passes the trigger's filter, and keeps Sample alert picked", async () => {
    backend();
    const flow = seedFlow();
    act(() => useFlowSession.getState().openFlow({ ...flow, trigger: { ...flow.trigger!, inputs: { minSeverity: "High", titleContains: "PowerShell" } } }));
    render(<RunControls />);
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    const dialog = screen.getByRole("dialog", { name: "Run now" });
    expect(await within(dialog).findByTestId("run-no-matching-alert")).toHaveTextContent("None of the recent alerts passes this trigger’s filter (severity High or higher, title contains “PowerShell”)");
    expect(within(dialog).getByRole("radio", { name: /Sample alert/ })).toBeChecked();
    expect(within(dialog).getByRole("radio", { name: /Ransomware behaviour/ })).not.toBeChecked();
  });

  it("says the run isolates for real when Dry run is off, and saves unsaved edits before running", async () => {
    const calls = backend();
    render(<RunControls />);
    act(() => useEditorStore.getState().renameNode("get_alert", "Read the alert"));
    act(() => useFlowSession.getState().markUnsaved());
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    const dialog = screen.getByRole("dialog", { name: "Run now" });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Dry run/ }));
    expect(within(dialog).getByRole("checkbox", { name: /Dry run/ })).not.toBeChecked();
    expect(within(dialog).getByTestId("run-dry-note")).toHaveTextContent("this run changes the tenant for real");
    fireEvent.click(within(dialog).getByRole("radio", { name: /Sample alert/ }));
    const run = within(dialog).getByRole("button", { name: "Run (for real: Isolate machine)" });
    fireEvent.click(run);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("run_flow", { request: { flowId: FLOW_ID, dryRun: false, trigger: { kind: "sample" } } }));
    expect(calls).toEqual(["save_flow", "run_flow"]);
    expect(invoke).toHaveBeenCalledWith("save_flow", { flow: expect.objectContaining({ steps: expect.arrayContaining([expect.objectContaining({ id: "get_alert", title: "Read the alert" })]) }) });
  });

  it("starts the Dry run choice on every time the dialog opens, whatever the last run did", async () => {
    const calls = backend();
    render(<RunControls />);
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    let dialog = screen.getByRole("dialog", { name: "Run now" });
    fireEvent.click(within(dialog).getByRole("radio", { name: /Sample alert/ }));
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Dry run/ }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Run (for real: Isolate machine)" }));
    await waitFor(() => expect(calls).toContain("run_flow"));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    dialog = screen.getByRole("dialog", { name: "Run now" });
    expect(within(dialog).getByRole("checkbox", { name: /Dry run/ })).toBeChecked();
  });

  it("shows why the run could not start and keeps the dialog open", async () => {
    routeInvoke({
      list_alerts: () => [],
      run_flow: () => {
        throw { kind: "invalid_input", message: "the flow has 1 error" };
      },
    });
    render(<RunControls />);
    fireEvent.click(screen.getByRole("button", { name: /Run now/ }));
    const dialog = screen.getByRole("dialog", { name: "Run now" });
    await within(dialog).findByText("No recent alerts.");
    fireEvent.click(within(dialog).getByRole("button", { name: "Run" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("the flow has 1 error");
    expect(screen.getByRole("dialog", { name: "Run now" })).toBeInTheDocument();
  });
});
