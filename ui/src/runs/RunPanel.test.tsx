import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { RunPanel } from "./RunPanel";
import { resetRunStore, useRunStore } from "./runStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { resetEditor } from "../state/editorStore";
import type { RunDetail } from "../ipc/client";
import { routeInvoke, type Handler } from "../test/ipcMock";
import { failedRun, FLOW_ID, runItem, seedFlow, stepRun, summaryOf } from "./runFixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function backend(runs: Record<string, RunDetail>, extra: Record<string, Handler> = {}) {
  routeInvoke({
    get_run: (args) => runs[args?.runId as string],
    list_runs: (args) => Object.values(runs).map((detail) => detail.run).filter((run) => !args?.status || run.status === args.status),
    ...extra,
  });
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetRunStore();
  act(() => {
    useFlowSession.getState().openFlow(seedFlow());
    useFlowSession.setState({ flows: [summaryOf(seedFlow(), 3)] });
  });
});

describe("Run panel", () => {
  it("shows the run's five steps in flow order with the statuses getRun gives", async () => {
    backend({ "run-1": failedRun() });
    render(<RunPanel />);
    await act(() => useRunStore.getState().openRun("run-1", FLOW_ID));
    const panel = screen.getByRole("region", { name: "Run" });
    const rows = within(panel).getAllByTestId("run-step");
    expect(rows.map((row) => [row.dataset.stepId, row.dataset.status])).toEqual([
      ["trigger", "succeeded"],
      ["get_alert", "succeeded"],
      ["condition", "succeeded"],
      ["isolate_machine", "failed"],
      ["send_email", "skipped"],
    ]);
    expect(within(panel).getByTestId("run-status")).toHaveTextContent("Failed");
    expect(within(panel).getByText("Dry run")).toBeInTheDocument();
    const isolate = rows[3]!;
    expect(isolate).toHaveTextContent("3 attempts");
    expect(isolate).toHaveTextContent("ResourceNotFound");
    expect(isolate).toHaveTextContent("Machine 1e5bc9 was not found");
    // Expanding a step shows its input and output as JSON.
    fireEvent.click(within(rows[1]!).getByRole("button", { name: "Show details of Get alert" }));
    expect(within(rows[1]!).getByLabelText("Input of Get alert")).toHaveTextContent('"step": "get_alert"');
    expect(within(rows[1]!).getByLabelText("Output of Get alert")).toHaveTextContent('"ok": true');
    expect(within(rows[1]!).getByRole("button", { name: "Copy output of Get alert" })).toBeInTheDocument();
  });

  it("offers Run again from failed step only for failed runs, and watches the rerun", async () => {
    const succeeded: RunDetail = {
      ...failedRun("run-2"),
      run: runItem("run-2", "succeeded"),
      steps: [stepRun("get_alert", "succeeded"), stepRun("condition", "succeeded"), stepRun("isolate_machine", "succeeded"), stepRun("send_email", "succeeded")],
    };
    const rerun: RunDetail = { ...failedRun("run-3"), run: runItem("run-3", "running"), rerunOf: "run-1", steps: [stepRun("get_alert", "succeeded")] };
    backend({ "run-1": failedRun(), "run-2": succeeded, "run-3": rerun }, { rerun_run: () => "run-3" });
    render(<RunPanel />);
    await act(() => useRunStore.getState().openRun("run-2", FLOW_ID));
    expect(screen.getByRole("button", { name: "Run again" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Run again from failed step" })).toBeNull();

    await act(() => useRunStore.getState().openRun("run-1", FLOW_ID));
    fireEvent.click(screen.getByRole("button", { name: "Run again from failed step" }));
    await waitFor(() => expect(useRunStore.getState().runId).toBe("run-3"));
    expect(invoke).toHaveBeenCalledWith("rerun_run", { runId: "run-1", fromFailedStep: true });
    await waitFor(() => expect(screen.getByTestId("run-view")).toHaveAttribute("data-run-id", "run-3"));
    // A running run can be cancelled, not rerun.
    expect(screen.getByRole("button", { name: "Cancel run" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Run again" })).toBeNull();
  });

  it("offers Run again from failed step for an interrupted run stopped in a step", async () => {
    const interrupted: RunDetail = { ...failedRun("run-5"), run: runItem("run-5", "interrupted", { reason: "Flowguard stopped while step send_email was sending its email" }) };
    backend({ "run-5": interrupted });
    render(<RunPanel />);
    await act(() => useRunStore.getState().openRun("run-5", FLOW_ID));
    expect(screen.getByRole("button", { name: "Run again from failed step" })).toBeInTheDocument();
    expect(screen.getByText(/sending its email/)).toBeInTheDocument();
  });

  it("filters the history by status and opens a past run", async () => {
    backend({ "run-1": failedRun(), "run-2": { ...failedRun("run-2"), run: runItem("run-2", "succeeded", { dryRun: false }) } });
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("history"));
    await waitFor(() => expect(screen.getAllByTestId("run-history-row")).toHaveLength(2));
    expect(invoke).toHaveBeenCalledWith("list_runs", { flowId: FLOW_ID, status: null, limit: 100 });
    fireEvent.change(screen.getByRole("combobox", { name: "Filter by status" }), { target: { value: "failed" } });
    await waitFor(() => expect(screen.getAllByTestId("run-history-row")).toHaveLength(1));
    expect(invoke).toHaveBeenCalledWith("list_runs", { flowId: FLOW_ID, status: "failed", limit: 100 });
    fireEvent.click(screen.getByRole("button", { name: /Open run of .* \(Failed\)/ }));
    await waitFor(() => expect(screen.getAllByTestId("run-step")).toHaveLength(5));
    expect(screen.getByRole("tab", { name: "Run" })).toHaveAttribute("aria-selected", "true");
  });

  it("lists each run's source, alert title, machine and result in the history, not raw alert ids", async () => {
    const automatic = runItem("run-a", "succeeded", {
      dryRun: false,
      source: "alert",
      alertId: "da638999",
      alertTitle: "Ransomware behaviour",
      machineName: "dc-05",
      tenantChanges: [{ stepId: "isolate_machine", kind: "isolate_machine", kindTitle: "Isolate machine", target: "dc-05", label: "Isolate machine · dc-05" }],
    });
    const manual = runItem("run-m", "succeeded", { dryRun: true, source: "manual", alertTitle: "Suspicious PowerShell", machineName: "pc-01" });
    backend({ "run-a": { ...failedRun("run-a"), run: automatic }, "run-m": { ...failedRun("run-m"), run: manual } });
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("history"));
    await waitFor(() => expect(screen.getAllByTestId("run-history-row")).toHaveLength(2));
    const headers = screen.getAllByRole("columnheader").map((header) => header.textContent);
    expect(headers).toEqual(["Status", "Source", "Alert", "Machine", "Started", "Dry run", "Duration", "Result", "Version"]);
    const cells = screen.getAllByTestId("run-history-row").map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent));
    expect(cells[0]).toEqual(["✓ Succeeded", "New alert", "Ransomware behaviour", "dc-05", expect.any(String), "No", "3.0 s", "Isolate machine · dc-05", "3"]);
    expect(cells[1]).toEqual(["✓ Succeeded", "Run now", "Suspicious PowerShell", "pc-01", expect.any(String), "Yes", "3.0 s", "Dry run: nothing sent", "3"]);
    expect(screen.queryByText("da638999")).toBeNull();
  });

  it("shows a run's source, alert and what it changed in its summary", async () => {
    const run = runItem("run-a", "succeeded", {
      dryRun: false,
      source: "backlog",
      alertTitle: "Ransomware behaviour",
      machineName: "dc-05",
      tenantChanges: [{ stepId: "isolate_machine", kind: "isolate_machine", kindTitle: "Isolate machine", target: "dc-05", label: "Isolate machine · dc-05" }],
    });
    backend({ "run-a": { ...failedRun("run-a"), run } });
    render(<RunPanel />);
    await act(() => useRunStore.getState().openRun("run-a", FLOW_ID));
    expect(await screen.findByTestId("run-source")).toHaveTextContent("Earlier alert");
    expect(screen.getByTestId("run-alert")).toHaveTextContent("Ransomware behaviour · dc-05");
    expect(screen.getByTestId("run-result")).toHaveTextContent("Isolate machine · dc-05");
  });

  it("shows a run of another version read-only, with a way back to editing", async () => {
    backend({ "run-1": failedRun("run-1", 2) });
    render(<RunPanel />);
    await act(() => useRunStore.getState().openRun("run-1", FLOW_ID));
    const banner = await screen.findByText(/Viewing run of version 2/);
    expect(banner).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Back to editing" }));
    expect(screen.queryByText(/Viewing run of version 2/)).toBeNull();
    expect(screen.getByTestId("run-version-notice")).toHaveTextContent("This run ran version 2 of the flow; the editor has version 3.");
  });
});
