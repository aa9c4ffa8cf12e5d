import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { Diagnostic } from "../ipc/bindings/Diagnostic";
import type { FlowDiff, NodeKindSpec, StoredFlowView } from "../ipc/client";
import { seedFlow, summaryOf } from "../runs/runFixtures";
import { resetEditor } from "../state/editorStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { useKindsStore } from "../state/kindsStore";
import { KINDS } from "../test/fixtures";
import { routeInvoke, type Handler } from "../test/ipcMock";
import { FlowHeader } from "./FlowHeader";
import { resetFlowDialogs, useFlowDialogs } from "./flowDialogs";
import { PublishDialog } from "./PublishDialog";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const FLOW = seedFlow();

const SEND_EMAIL: NodeKindSpec = {
  kind: "send_email",
  title: "Send email",
  description: "Sends an email.",
  category: "action",
  changesTenant: false,
  inputs: [],
  outputs: [],
  ports: [],
  portLabels: [],
  icon: "mail",
  cardSummary: "To: {to}",
};

const DIFF: FlowDiff = {
  name: null,
  description: null,
  trigger: null,
  stepsAdded: [{ id: "review", kind: "send_email", title: "Email for review" }],
  stepsRemoved: [],
  stepsChanged: [{ id: "isolate_machine", title: "Isolate machine", kind: null, titleChange: null, inputs: [{ name: "isolationType", before: "Full", after: "Selective" }] }],
  edgesAdded: [{ from: "condition", to: "review", port: "false" }],
  edgesRemoved: [{ from: "condition", to: "send_email", port: "false" }],
  layoutChanged: true,
};

function view(overrides: Partial<StoredFlowView> = {}): StoredFlowView {
  return { flow: FLOW, version: 5, draftVersion: 5, publishedVersion: 4, hasUnpublishedChanges: true, enabled: true, dryRunOnly: false, updatedAt: "", diagnostics: [], ...overrides };
}

const problem: Diagnostic = { nodeId: "send_email", field: "subject", code: "template_syntax", message: "subject: unexpected end of template", severity: "error", sentence: "“Email the SOC”: the Subject has an unfinished {{ … }}" };

function backend(extra: Record<string, Handler> = {}) {
  const published: unknown[] = [];
  routeInvoke({
    list_flows: () => [{ ...summaryOf(FLOW, 5), publishedVersion: published.length > 0 ? 5 : 4, hasUnpublishedChanges: published.length === 0, enabled: true }],
    get_flow: () => view(),
    diff_flow_versions: (args) => ({ flowId: FLOW.id, fromVersion: args?.from, toVersion: args?.to, diff: DIFF, lines: [] }),
    get_flow_version: (args) => ({ flowId: FLOW.id, version: args?.version, savedAt: "", published: true, draft: false, flow: FLOW, diagnostics: [] }),
    publish_flow: (args) => {
      published.push(args);
      return { publishedVersion: 5, previousVersion: 4, changed: true };
    },
    ...extra,
  });
  return published;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetFlowDialogs();
  // The Send email kind as the registry has it (the shared fixture may not list it).
  useKindsStore.getState().setKinds([...KINDS.filter((spec) => spec.kind !== "send_email"), SEND_EMAIL]);
});

describe("Publish", () => {
  it("the header says where the flow stands and Publish shows the diff from the published version, then publishes", async () => {
    const published = backend();
    act(() => useFlowSession.getState().openFlow(FLOW));
    await act(() => useFlowSession.getState().refresh());
    render(
      <>
        <FlowHeader />
        <PublishDialog />
      </>,
    );
    expect(screen.getByTestId("publish-state")).toHaveTextContent("Published v4 · unpublished changes");
    expect(screen.getByTestId("flow-state")).toHaveTextContent("● On");
    fireEvent.click(screen.getByRole("button", { name: "Publish…" }));
    const dialog = await screen.findByRole("dialog", { name: `Publish “${FLOW.name}”` });
    await within(dialog).findByTestId("flow-diff");
    expect(invoke).toHaveBeenCalledWith("diff_flow_versions", { id: FLOW.id, from: 4, to: 5 });
    expect(within(dialog).getByText(/Published v4 → draft v5/)).toHaveTextContent("The flow is on: its background runs use the new version as soon as you publish.");
    expect(within(dialog).getByTestId("diff-step-added")).toHaveTextContent("Added step “Email for review”");
    expect(within(dialog).getByTestId("diff-step-changed")).toHaveTextContent("Changed step “Isolate machine”");
    expect(within(dialog).getByTestId("diff-input")).toHaveTextContent("Isolation type: Full → Selective");
    expect(within(dialog).getByTestId("diff-edge-added")).toHaveTextContent("Connected “Severity is High” (No) → “Email for review”");
    expect(within(dialog).getByTestId("diff-edge-removed")).toHaveTextContent("Disconnected “Severity is High” (No) → “Email the SOC”");
    expect(published).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Publish v5" }));
    await waitFor(() => expect(published).toEqual([{ id: FLOW.id }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByTestId("publish-state")).toHaveTextContent("Published v5");
    expect(screen.getByTestId("flow-notice")).toHaveTextContent("Published v5 of “Isolate on High”. Its background runs use it from now on.");
  });

  it("is refused while the draft has errors, listing them in plain words; the published version keeps running", async () => {
    const published = backend({ get_flow: () => view({ diagnostics: [problem, { ...problem, severity: "warning", sentence: "a warning only" }] }) });
    render(<PublishDialog />);
    act(() => useFlowDialogs.getState().openPublish(FLOW.id));
    const problems = await screen.findByTestId("publish-problems");
    expect(problems).toHaveTextContent("The draft cannot be published while it has this problem (the published version keeps running meanwhile):");
    expect(problems).toHaveTextContent("“Email the SOC”: the Subject has an unfinished {{ … }}");
    expect(problems).not.toHaveTextContent("a warning only");
    expect(screen.getByRole("button", { name: "Publish v5" })).toBeDisabled();
    expect(published).toEqual([]);
  });

  it("a first publish lists the whole flow; a refusal from the backend is shown", async () => {
    backend({
      get_flow: () => view({ publishedVersion: null }),
      publish_flow: () => {
        throw { kind: "invalid_input", message: "“Isolate machine”: Machine id is required" };
      },
    });
    render(<PublishDialog />);
    act(() => useFlowDialogs.getState().openPublish(FLOW.id));
    const whole = await screen.findByTestId("publish-whole-flow");
    expect(within(whole).getAllByTestId("diff-step-added").map((item) => item.textContent)).toEqual([
      "+ Step “Get alert” (Get alert)",
      "+ Step “Severity is High” (Condition)",
      "+ Step “Isolate machine” (Isolate machine) — changes the tenant",
      "+ Step “Email the SOC” (Send email)",
    ]);
    expect(invoke).not.toHaveBeenCalledWith("diff_flow_versions", expect.anything());
    fireEvent.click(screen.getByRole("button", { name: "Publish v5" }));
    expect(await screen.findByTestId("publish-error")).toHaveTextContent("“Isolate machine”: Machine id is required");
  });

  it("saves the editor's unsaved edits before comparing", async () => {
    const order: string[] = [];
    backend({
      save_flow: () => {
        order.push("save_flow");
        return { version: 5, newVersion: true, enabled: true, publishedVersion: 4, hasUnpublishedChanges: true, diagnostics: [] };
      },
      get_flow: () => {
        order.push("get_flow");
        return view();
      },
    });
    act(() => useFlowSession.getState().openFlow(FLOW));
    act(() => useFlowSession.getState().markUnsaved());
    render(<PublishDialog />);
    act(() => useFlowDialogs.getState().openPublish(FLOW.id));
    await screen.findByTestId("flow-diff");
    expect(order.slice(0, 2)).toEqual(["save_flow", "get_flow"]);
  });
});
