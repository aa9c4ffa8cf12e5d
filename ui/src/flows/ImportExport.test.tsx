import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { FlowsSidebar } from "./FlowsSidebar";
import { relativeTime } from "./flowStatus";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { resetEditor } from "../state/editorStore";
import type { Flow, FlowSummary, ImportConflict } from "../ipc/client";
import { routeInvoke, type Handler } from "../test/ipcMock";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function flow(id: string, name: string): Flow {
  return { schema: 1, id, name, description: "", enabled: false, trigger: { kind: "manual", title: "Run manually", inputs: {} }, steps: [], edges: [], layout: { trigger: { x: 0, y: 0 } } };
}

const summary = (f: Flow, extra: Partial<FlowSummary> = {}): FlowSummary => ({ id: f.id, name: f.name, enabled: f.enabled, version: 1, draftVersion: 1, publishedVersion: null, hasUnpublishedChanges: true, dryRunOnly: false, problems: 0, updatedAt: "2026-11-25T06:00:00Z", lastRun: null, nextRunAt: null, ...extra });

function fakeBackend(initial: Flow[], extra: Record<string, Handler> = {}) {
  const flows = new Map(initial.map((f) => [f.id, f]));
  routeInvoke({
    list_flows: () => [...flows.values()].map((f) => summary(f)),
    get_flow: (args) => ({ flow: flows.get(args?.id as string), version: 1, updatedAt: "", diagnostics: [] }),
    save_flow: () => ({ version: 2, newVersion: false, enabled: false, diagnostics: [] }),
    pick_flow_file: () => "/home/ana/isolate.flow.json",
    import_flow_file: (args) => {
      const mode = args?.onConflict as ImportConflict;
      if (mode === "fail") throw { kind: "conflict", message: "a flow with id alpha already exists" };
      const imported = mode === "copy" ? flow("alpha-2", "Alpha (imported)") : flow("alpha", "Alpha imported");
      flows.set(imported.id, imported);
      return { id: imported.id, name: imported.name, diagnostics: [{ nodeId: "isolate", field: "machineId", code: "missing_input", message: "Machine id is required", severity: "error" }] };
    },
    ...extra,
  });
  return flows;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
});

async function openSidebarWith(flows: Flow[], extra: Record<string, Handler> = {}) {
  const backend = fakeBackend(flows, extra);
  render(<FlowsSidebar />);
  await act(() => useFlowSession.getState().refresh());
  return backend;
}

describe("Import", () => {
  it.each([
    ["Replace it", "replace", "alpha"],
    ["Import as a copy", "copy", "alpha-2"],
  ])("asks on a conflict, and %s retries with %s and opens the flow", async (button, mode, openedId) => {
    await openSidebarWith([flow("alpha", "Alpha")]);
    fireEvent.click(screen.getByRole("button", { name: "Import a flow file" }));
    const question = await screen.findByRole("alertdialog", { name: "This flow is already in Flowguard" });
    // In plain words, naming the saved flow by its name; the store's "a flow with id …" never shows.
    expect(question).toHaveTextContent("This file’s flow is already in Flowguard as “Alpha”");
    expect(question).not.toHaveTextContent(/\bid\b/);
    expect(invoke).toHaveBeenCalledWith("import_flow_file", { path: "/home/ana/isolate.flow.json", onConflict: "fail" });
    fireEvent.click(within(question).getByRole("button", { name: button }));
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe(openedId));
    expect(invoke).toHaveBeenCalledWith("import_flow_file", { path: "/home/ana/isolate.flow.json", onConflict: mode });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByTestId("flow-file-notice")).toHaveTextContent("1 problem to fix");
    expect(screen.getByTestId(`flow-item-${openedId}`)).toHaveClass("open");
  });

  it("replacing the open flow opens the imported version", async () => {
    await openSidebarWith([flow("alpha", "Alpha")]);
    await act(() => useFlowSession.getState().open("alpha"));
    fireEvent.click(screen.getByTestId("flow-import"));
    fireEvent.click(await screen.findByRole("button", { name: "Replace it" }));
    await waitFor(() => expect(useFlowSession.getState().flow?.name).toBe("Alpha imported"));
  });

  it("Cancel imports nothing; a cancelled file dialog does nothing", async () => {
    await openSidebarWith([flow("alpha", "Alpha")]);
    fireEvent.click(screen.getByTestId("flow-import"));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(vi.mocked(invoke).mock.calls.filter(([command]) => command === "import_flow_file")).toHaveLength(1);

    vi.mocked(invoke).mockClear();
    fakeBackend([flow("alpha", "Alpha")], { pick_flow_file: () => null });
    fireEvent.click(screen.getByTestId("flow-import"));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("pick_flow_file", undefined));
    expect(invoke).not.toHaveBeenCalledWith("import_flow_file", expect.anything());
  });

  it("focuses the safe choice and Escape cancels", async () => {
    await openSidebarWith([flow("alpha", "Alpha")]);
    fireEvent.click(screen.getByTestId("flow-import"));
    const copy = await screen.findByRole("button", { name: "Import as a copy" });
    expect(copy).toHaveFocus();
    fireEvent.keyDown(copy, { key: "Escape" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("imports without asking when there is no conflict, and shows other failures", async () => {
    await openSidebarWith([], { import_flow_file: () => ({ id: "fresh", name: "Fresh", diagnostics: [] }), get_flow: () => ({ flow: flow("fresh", "Fresh"), version: 1, updatedAt: "", diagnostics: [] }) });
    fireEvent.click(screen.getByTestId("flow-import"));
    expect(await screen.findByTestId("flow-file-notice")).toHaveTextContent("Imported “Fresh”.");
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe("fresh"));

    fakeBackend([], { import_flow_file: () => { throw { kind: "invalid_input", message: "not a flow file: expected a JSON object" }; } });
    fireEvent.click(screen.getByTestId("flow-import"));
    expect(await screen.findByRole("alert")).toHaveTextContent("not a flow file");
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });
});

describe("Export", () => {
  it("exports the open flow and says where", async () => {
    await openSidebarWith([flow("alpha", "Alpha")], { export_flow: () => "/home/ana/Alpha.flow.json" });
    expect(screen.getByRole("button", { name: "Export the open flow" })).toBeDisabled();
    await act(() => useFlowSession.getState().open("alpha"));
    fireEvent.click(screen.getByRole("button", { name: "Export the open flow" }));
    expect(await screen.findByTestId("flow-file-notice")).toHaveTextContent("Exported to /home/ana/Alpha.flow.json");
    expect(invoke).toHaveBeenCalledWith("export_flow", { id: "alpha" });
  });

  it("says nothing when the save dialog is cancelled", async () => {
    await openSidebarWith([flow("alpha", "Alpha")], { export_flow: () => null });
    await act(() => useFlowSession.getState().open("alpha"));
    fireEvent.click(screen.getByTestId("flow-export"));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("export_flow", { id: "alpha" }));
    expect(screen.queryByTestId("flow-file-notice")).toBeNull();
  });
});

describe("Flow status in the sidebar", () => {
  it("shows the last run's result and time and the next scheduled run", async () => {
    const now = Date.now();
    const alpha = flow("alpha", "Alpha");
    routeInvoke({
      list_flows: () => [
        summary(alpha, { lastRun: { id: "r1", status: "failed", createdAt: new Date(now - 5 * 60_000).toISOString() }, nextRunAt: new Date(now + 42_000).toISOString() }),
        summary(flow("beta", "Beta")),
      ],
    });
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    expect(screen.getByTestId("flow-last-run-alpha")).toHaveTextContent("Failed 5 min ago");
    expect(screen.getByTestId("flow-last-run-alpha")).toHaveClass("run-failed");
    expect(screen.getByTestId("flow-next-run-alpha")).toHaveTextContent(/Next in 4\d s/);
    expect(screen.queryByTestId("flow-status-beta")).toBeNull();
  });

  it("words times relative to now", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(relativeTime("2026-11-25T09:59:55Z", now)).toBe("just now");
    expect(relativeTime("2026-11-25T09:58:00Z", now)).toBe("2 min ago");
    expect(relativeTime("2026-11-25T07:00:00Z", now)).toBe("3 h ago");
    expect(relativeTime("2026-11-23T10:00:00Z", now)).toBe("2 d ago");
    expect(relativeTime("2026-11-25T10:00:42Z", now)).toBe("in 42 s");
    expect(relativeTime("not a date", now)).toBe("not a date");
  });
});
