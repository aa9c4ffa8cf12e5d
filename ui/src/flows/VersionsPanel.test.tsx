import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { Flow, FlowVersion } from "../ipc/client";
import { RunPanel } from "../runs/RunPanel";
import { resetRunStore, useRunStore } from "../runs/runStore";
import { seedFlow, summaryOf } from "../runs/runFixtures";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { routeInvoke } from "../test/ipcMock";
import { resetFlowDialogs, useFlowDialogs } from "./flowDialogs";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const FLOW = seedFlow();
const VERSIONS: FlowVersion[] = [
  { version: 3, savedAt: "2026-11-25T09:00:00Z", contentHash: "c", problems: 1, published: false, draft: true },
  { version: 2, savedAt: "2026-11-25T08:00:00Z", contentHash: "b", problems: 0, published: true, draft: false },
  { version: 1, savedAt: "2026-11-25T07:00:00Z", contentHash: "a", problems: 0, published: false, draft: false },
];

function versionFlow(version: number): Flow {
  return { ...FLOW, name: `Isolate on High (v${version})` };
}

function backend() {
  const restored: unknown[] = [];
  routeInvoke({
    flow_versions: () => VERSIONS,
    list_flows: () => [{ ...summaryOf(FLOW, 3), publishedVersion: 2, hasUnpublishedChanges: true }],
    get_flow_version: (args) => ({ flowId: FLOW.id, version: args?.version, savedAt: "", published: args?.version === 2, draft: args?.version === 3, flow: versionFlow(args?.version as number), diagnostics: [] }),
    diff_flow_versions: (args) => ({
      flowId: FLOW.id,
      fromVersion: args?.from,
      toVersion: args?.to,
      diff: { name: { before: "Isolate on High (v1)", after: "Isolate on High (v3)" }, description: null, trigger: null, stepsAdded: [], stepsRemoved: [], stepsChanged: [], edgesAdded: [], edgesRemoved: [], layoutChanged: false },
      lines: [],
    }),
    restore_flow_version: (args) => {
      restored.push(args);
      return { version: 4, newVersion: true, enabled: false, publishedVersion: 2, hasUnpublishedChanges: true, diagnostics: [] };
    },
    get_flow: () => ({ flow: { ...FLOW, name: "Restored" }, version: 4, draftVersion: 4, publishedVersion: 2, hasUnpublishedChanges: true, enabled: false, dryRunOnly: false, updatedAt: "", diagnostics: [] }),
  });
  return restored;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetRunStore();
  resetFlowDialogs();
  act(() => {
    useFlowSession.getState().openFlow(FLOW);
    useFlowSession.setState({ flows: [{ ...summaryOf(FLOW, 3), publishedVersion: 2, hasUnpublishedChanges: true }] });
  });
});

describe("Versions", () => {
  it("lists the versions with the published one and the draft, and views one read-only", async () => {
    backend();
    render(
      <div data-testid="canvas">
        <RunPanel />
      </div>,
    );
    act(() => useRunStore.getState().openPanel("versions"));
    await waitFor(() => expect(screen.getAllByTestId("version-row")).toHaveLength(3));
    const rows = screen.getAllByTestId("version-row").map((row) => [...row.querySelectorAll("td")].slice(1, 5).map((cell) => cell.textContent));
    expect(rows.map((row) => [row[0], row[1], row[3]])).toEqual([
      ["v3", "Draft", "1"],
      ["v2", "Published", "None"],
      ["v1", "—", "None"],
    ]);
    // The draft cannot be restored over itself.
    expect(screen.queryByRole("button", { name: "Restore version 3 as the draft" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "View version 2" }));
    expect(await screen.findByText("Viewing version 2 (published) — read-only.", undefined, { timeout: 10_000 })).toBeInTheDocument();
    expect(useRunStore.getState().viewingFlow?.name).toBe("Isolate on High (v2)");
    fireEvent.click(screen.getByRole("button", { name: "Back to editing" }));
    expect(screen.queryByText(/Viewing version 2/)).toBeNull();
    // (It draws the version with React Flow, which is slow in jsdom on a busy machine.)
  }, 30_000);

  it("compares two ticked versions, older to newer", async () => {
    backend();
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("versions"));
    await waitFor(() => expect(screen.getAllByTestId("version-row")).toHaveLength(3));
    fireEvent.click(screen.getByRole("checkbox", { name: "Compare version 3" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Compare version 1" }));
    const diff = await screen.findByTestId("versions-diff");
    expect(invoke).toHaveBeenCalledWith("diff_flow_versions", { id: FLOW.id, from: 1, to: 3 });
    expect(within(diff).getByRole("heading")).toHaveTextContent("v1 → v3");
    expect(within(diff).getByTestId("diff-name")).toHaveTextContent("Name: Isolate on High (v1) → Isolate on High (v3)");
  });

  it("restores a version as a new draft and opens it in the editor; nothing is published", async () => {
    const restored = backend();
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("versions"));
    await waitFor(() => expect(screen.getAllByTestId("version-row")).toHaveLength(3));
    fireEvent.click(screen.getByRole("button", { name: "Restore version 1 as the draft" }));
    await waitFor(() => expect(restored).toEqual([{ id: FLOW.id, version: 1 }]));
    await waitFor(() => expect(useFlowSession.getState().flow?.name).toBe("Restored"));
    expect(useEditorStore.getState().doc.steps).toHaveLength(FLOW.steps.length);
    expect(useFlowDialogs.getState().notice).toBe("Version 1 restored as draft v4. Nothing changes for background runs until you publish it.");
    expect(invoke).not.toHaveBeenCalledWith("publish_flow", expect.anything());
  });
});
