import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { FlowsSidebar, UNDO_MS } from "./FlowsSidebar";
import { FlowHeader } from "./FlowHeader";
import { resetFlowSession, startAutosave, useFlowSession } from "../state/flowSession";
import { resetEditor, useEditorStore } from "../state/editorStore";
import type { Flow, FlowSummary } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { resetFlowDialogs, useFlowDialogs } from "./flowDialogs";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function flow(id: string, name: string): Flow {
  return {
    schema: 1,
    id,
    name,
    description: "",
    enabled: false,
    trigger: { kind: "manual", title: "Run manually", inputs: {} },
    steps: [],
    edges: [],
    layout: { trigger: { x: 0, y: 0 } },
  };
}

const summary = (f: Flow, problems = 0): FlowSummary => ({ id: f.id, name: f.name, enabled: f.enabled, version: 1, draftVersion: 1, publishedVersion: null, hasUnpublishedChanges: true, dryRunOnly: false, problems, updatedAt: "2026-11-25T06:00:00Z", lastRun: null, nextRunAt: null });

/** A tiny fake of the store behind the commands. */
function fakeBackend(initial: Flow[]) {
  const flows = new Map(initial.map((f) => [f.id, f]));
  routeInvoke({
    list_flows: () => [...flows.values()].map((f) => summary(f, f.id === "broken" ? 2 : 0)),
    get_flow: (args) => ({ flow: flows.get(args?.id as string), version: 1, updatedAt: "", diagnostics: [] }),
    list_templates: () => [{ name: "isolate-high-severity", title: "Isolate on High", description: "A template" }],
    create_flow: (args) => {
      const created = flow(args?.template ? "isolate-on-high" : "untitled-flow", args?.template ? "Isolate on High" : "Untitled flow");
      flows.set(created.id, created);
      return created;
    },
    delete_flow: (args) => {
      const deleted = flows.get(args?.id as string);
      flows.delete(args?.id as string);
      return deleted;
    },
    save_flow: (args) => {
      const saved = args?.flow as Flow;
      flows.set(saved.id, saved);
      return { version: 2, newVersion: true, enabled: false, diagnostics: [] };
    },
    set_flow_enabled: () => {
      throw { kind: "invalid_input", message: "the flow cannot be enabled until its 1 problem(s) are fixed: isolate: Machine id is required" };
    },
  });
  return flows;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetFlowDialogs();
});

describe("Flows sidebar", () => {
  it("lists the flows with their enabled state and problem count, and opens one", async () => {
    fakeBackend([flow("alpha", "Alpha"), { ...flow("broken", "Broken") }]);
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    expect(screen.getByRole("button", { name: "Open Alpha (disabled)" })).toBeInTheDocument();
    expect(screen.getByTestId("flow-problems-broken")).toHaveTextContent("2");
    fireEvent.click(screen.getByRole("button", { name: /Open Alpha/ }));
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe("alpha"));
    expect(useEditorStore.getState().doc.trigger?.kind).toBe("manual");
  });

  it("shows a long name whole (wrapped, its tooltip the whole name)", async () => {
    const long = "Isolate every machine with a High severity alert from the EMEA tenant";
    fakeBackend([flow("long", long)]);
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    const name = within(screen.getByTestId("flow-item-long")).getByText(long);
    expect(name).toHaveTextContent(long);
    expect(name).toHaveAttribute("title", long);
  });

  it("warns under the name when another flow has the same name, and while renaming to a taken name", async () => {
    fakeBackend([flow("alpha", "Alpha"), flow("alpha-2", "alpha "), flow("beta", "Beta")]);
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    expect(screen.getByTestId("flow-name-warning-alpha")).toHaveTextContent("Another flow is already called “alpha ”");
    expect(screen.getByTestId("flow-name-warning-alpha-2")).toHaveTextContent("Another flow is already called “Alpha”");
    expect(screen.queryByTestId("flow-name-warning-beta")).toBeNull();
    fireEvent.click(screen.getByTestId("flow-rename-beta"));
    const input = screen.getByTestId("flow-rename-input-beta");
    expect(screen.queryByTestId("flow-name-warning-beta")).toBeNull();
    fireEvent.change(input, { target: { value: "ALPHA" } });
    expect(screen.getByTestId("flow-name-warning-beta")).toHaveTextContent("Another flow is already called “Alpha”");
    expect(input).toHaveAccessibleDescription(expect.stringContaining("Another flow is already called"));
    fireEvent.change(input, { target: { value: "Gamma" } });
    expect(screen.queryByTestId("flow-name-warning-beta")).toBeNull();
  });

  it("creates a flow from a template and opens it", async () => {
    fakeBackend([]);
    render(<FlowsSidebar />);
    fireEvent.click(screen.getByTestId("flow-new"));
    fireEvent.click(await screen.findByTestId("new-flow-template-isolate-high-severity"));
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe("isolate-on-high"));
    expect(invoke).toHaveBeenCalledWith("create_flow", { template: "isolate-high-severity", name: "" });
    expect(await screen.findByRole("button", { name: /Open Isolate on High/ })).toBeInTheDocument();
  });

  it("deletes after confirmation and Undo saves the flow again", async () => {
    const backend = fakeBackend([flow("alpha", "Alpha"), flow("beta", "Beta")]);
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    fireEvent.click(screen.getByTestId("flow-delete-alpha"));
    expect(backend.has("alpha")).toBe(true);
    fireEvent.click(screen.getByTestId("confirm-delete"));
    await waitFor(() => expect(screen.queryByRole("button", { name: /Open Alpha/ })).toBeNull());
    expect(backend.has("alpha")).toBe(false);
    expect(screen.getByTestId("undo-toast")).toHaveTextContent("Deleted “Alpha”");
    fireEvent.click(screen.getByTestId("undo-delete"));
    await screen.findByRole("button", { name: /Open Alpha/ });
    expect(invoke).toHaveBeenCalledWith("save_flow", { flow: expect.objectContaining({ id: "alpha", name: "Alpha" }) });
    expect(backend.has("alpha")).toBe(true);
  });

  it("the Undo notice stays while hovered or focused, and goes once left alone", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      fakeBackend([flow("alpha", "Alpha"), flow("beta", "Beta")]);
      render(<FlowsSidebar />);
      await act(() => useFlowSession.getState().refresh());
      fireEvent.click(screen.getByTestId("flow-delete-alpha"));
      fireEvent.click(screen.getByTestId("confirm-delete"));
      const toast = await screen.findByTestId("undo-toast");
      fireEvent.pointerEnter(toast);
      act(() => void vi.advanceTimersByTime(UNDO_MS * 3));
      expect(screen.getByTestId("undo-toast")).toBeInTheDocument();
      fireEvent.pointerLeave(toast);
      fireEvent.focus(screen.getByTestId("undo-delete"));
      act(() => void vi.advanceTimersByTime(UNDO_MS * 3));
      expect(screen.getByTestId("undo-toast")).toBeInTheDocument();
      fireEvent.blur(screen.getByTestId("undo-delete"));
      act(() => void vi.advanceTimersByTime(UNDO_MS - 100));
      expect(screen.getByTestId("undo-toast")).toBeInTheDocument();
      act(() => void vi.advanceTimersByTime(200));
      expect(screen.queryByTestId("undo-toast")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("switching a flow on opens the Enable dialog; switching it off does not ask", async () => {
    const backend = fakeBackend([flow("alpha", "Alpha")]);
    const calls: unknown[] = [];
    const base = vi.mocked(invoke).getMockImplementation();
    vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
      if (command === "set_flow_enabled") {
        calls.push(args);
        const id = (args as { id: string }).id;
        const current = backend.get(id);
        if (current) backend.set(id, { ...current, enabled: (args as { enabled: boolean }).enabled });
        return { enabled: (args as { enabled: boolean }).enabled, backlogRuns: [], missedTickRun: null };
      }
      return base?.(command, args as never);
    });
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    fireEvent.click(screen.getByTestId("flow-enabled-alpha"));
    expect(useFlowDialogs.getState().enabling).toBe("alpha");
    expect(calls).toEqual([]);
    act(() => useFlowDialogs.getState().close());
    backend.set("alpha", { ...flow("alpha", "Alpha"), enabled: true });
    await act(() => useFlowSession.getState().refresh());
    fireEvent.click(screen.getByTestId("flow-enabled-alpha"));
    await waitFor(() => expect(calls).toEqual([{ id: "alpha", enabled: false, options: null }]));
    expect(useFlowDialogs.getState().enabling).toBeNull();
  });

  it("has a dry-run-only switch next to the on/off switch; turning it off for an enabled flow asks first", async () => {
    const backend = fakeBackend([flow("alpha", "Alpha")]);
    let dryRunOnly = false;
    const calls: unknown[] = [];
    const base = vi.mocked(invoke).getMockImplementation();
    vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
      if (command === "set_flow_dry_run_only") {
        calls.push(args);
        dryRunOnly = (args as { on: boolean }).on;
        return null;
      }
      if (command === "list_flows") return [...backend.values()].map((f) => ({ ...summary(f), enabled: f.id === "alpha", dryRunOnly }));
      return base?.(command, args as never);
    });
    render(<FlowsSidebar />);
    await act(() => useFlowSession.getState().refresh());
    const toggle = screen.getByRole("checkbox", { name: "Dry run only for Alpha" });
    expect(toggle).not.toBeChecked();
    fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByRole("checkbox", { name: "Dry run only for Alpha" })).toBeChecked());
    expect(calls).toEqual([{ id: "alpha", on: true }]);
    expect(screen.getByRole("button", { name: /Open Alpha \(enabled\), dry run only/ })).toBeInTheDocument();
    // Off again, for an enabled flow: its background runs would become real, so it asks.
    fireEvent.click(screen.getByRole("checkbox", { name: "Dry run only for Alpha" }));
    expect(screen.getByTestId("confirm-real-runs")).toHaveTextContent("change the tenant for real");
    expect(calls).toHaveLength(1);
    fireEvent.click(screen.getByTestId("confirm-real-runs-yes"));
    await waitFor(() => expect(calls).toEqual([{ id: "alpha", on: true }, { id: "alpha", on: false }]));
  });

  it("creates a flow from a template with dry run only on", async () => {
    fakeBackend([]);
    const calls: unknown[] = [];
    const base = vi.mocked(invoke).getMockImplementation();
    vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
      if (command === "set_flow_dry_run_only") {
        calls.push(args);
        return null;
      }
      return base?.(command, args as never);
    });
    render(<FlowsSidebar />);
    fireEvent.click(screen.getByTestId("flow-new"));
    fireEvent.click(await screen.findByTestId("new-flow-template-isolate-high-severity"));
    await waitFor(() => expect(calls).toEqual([{ id: "isolate-on-high", on: true }]));
    // A blank flow has nothing that changes the tenant: it is left as it is.
    fireEvent.click(screen.getByTestId("flow-new"));
    fireEvent.click(await screen.findByTestId("new-flow-blank"));
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe("untitled-flow"));
    expect(calls).toHaveLength(1);
  });
});

describe("The toolbar's flow name", () => {
  it("carries the whole name as its tooltip and says when another flow has the name typed", async () => {
    fakeBackend([flow("alpha", "Alpha"), flow("beta", "Beta")]);
    render(<FlowHeader />);
    await act(() => useFlowSession.getState().refresh());
    act(() => useFlowSession.getState().openFlow(flow("beta", "Beta")));
    const name = screen.getByLabelText("Flow name");
    expect(name).toHaveAttribute("title", "Beta");
    expect(screen.queryByTestId("flow-name-duplicate")).toBeNull();
    fireEvent.change(name, { target: { value: "alpha" } });
    expect(screen.getByTestId("flow-name-duplicate")).toHaveTextContent("Another flow has this name");
    expect(screen.getByTestId("flow-name-duplicate")).toHaveAttribute("title", expect.stringContaining("Another flow is already called “Alpha”"));
    expect(name).toHaveAccessibleDescription(expect.stringContaining("Another flow has this name"));
  });
});

describe("Autosave", () => {
  it("saves the open flow after edits and shows the state", async () => {
    vi.useFakeTimers();
    try {
      fakeBackend([flow("alpha", "Alpha")]);
      const stop = startAutosave(600);
      render(<FlowHeader />);
      act(() => useFlowSession.getState().openFlow(flow("alpha", "Alpha")));
      expect(screen.getByTestId("save-status")).toHaveTextContent("Saved ✓");
      act(() => void useEditorStore.getState().addNode("get_alert", { x: 200, y: 0 }));
      expect(screen.getByTestId("save-status")).toHaveTextContent("Unsaved");
      expect(invoke).not.toHaveBeenCalledWith("save_flow", expect.anything());
      await act(async () => {
        await vi.advanceTimersByTimeAsync(700);
      });
      expect(invoke).toHaveBeenCalledWith("save_flow", { flow: expect.objectContaining({ id: "alpha", steps: [expect.objectContaining({ kind: "get_alert" })] }) });
      expect(screen.getByTestId("save-status")).toHaveTextContent("Saved ✓");
      fireEvent.change(screen.getByLabelText("Flow name"), { target: { value: "Renamed" } });
      fireEvent.blur(screen.getByLabelText("Flow name"));
      await act(async () => {
        await vi.advanceTimersByTimeAsync(700);
      });
      expect(invoke).toHaveBeenLastCalledWith("list_flows", undefined);
      expect(invoke).toHaveBeenCalledWith("save_flow", { flow: expect.objectContaining({ name: "Renamed" }) });
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
