import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { AlertChoice, EnablePreview, Flow, NodeKindSpec, RunDetail } from "../ipc/client";
import { failedRun, runItem, seedFlow, stepRun, summaryOf } from "../runs/runFixtures";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { resetEditor } from "../state/editorStore";
import { useKindsStore } from "../state/kindsStore";
import { KINDS } from "../test/fixtures";
import { routeInvoke, type Handler } from "../test/ipcMock";
import { EnableDialog } from "./EnableDialog";
import { resetFlowDialogs, useFlowDialogs } from "./flowDialogs";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const FLOW: Flow = seedFlow();

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

function alert(n: number): AlertChoice {
  return { id: `da-${n}`, title: `Ransomware on dc-0${n}`, severity: "High", status: "New", machineId: `m${n}`, computerDnsName: `dc-0${n}`, createdAt: "2026-11-25T08:00:00Z" };
}

function preview(overrides: Partial<EnablePreview> = {}): EnablePreview {
  return { flowId: FLOW.id, triggerKind: "alert_created", publishedVersion: 3, dryRunOnly: false, refusal: null, backlog: [], backlogSince: null, missedTicks: 0, nextTick: null, backlogError: null, ...overrides };
}

/** A finished dry run on alert n: get alert, condition, isolate (dry) and the email (dry). */
function dryRun(n: number): RunDetail {
  return {
    run: runItem(`dry-${n}`, "succeeded", { dryRun: true, source: "backlog", alertId: `da-${n}` }),
    triggerPayload: {},
    rerunOf: null,
    steps: [
      stepRun("get_alert", "succeeded"),
      stepRun("condition", "succeeded"),
      stepRun("isolate_machine", "succeeded", { output: { dryRun: true, machineId: `m${n}`, status: "DryRun" } }),
      stepRun("send_email", "succeeded", { output: { dryRun: true, recipients: ["soc@contoso.com"] } }),
    ],
    flow: FLOW,
  };
}

function backend(extra: Record<string, Handler> = {}) {
  const enabled: unknown[] = [];
  routeInvoke({
    list_flows: () => [summaryOf(FLOW)],
    get_flow: () => ({ flow: FLOW, version: 3, draftVersion: 3, publishedVersion: 3, hasUnpublishedChanges: false, enabled: false, dryRunOnly: false, updatedAt: "", diagnostics: [] }),
    enable_preview: () => preview(),
    set_flow_enabled: (args) => {
      enabled.push(args);
      const handled = ((args?.options as { handleBacklog?: string[] } | null)?.handleBacklog ?? []).map((alertId) => ({ alertId, runId: `run-${alertId}` }));
      return { enabled: true, backlogRuns: handled, missedTickRun: null };
    },
    ...extra,
  });
  return enabled;
}

async function openDialog() {
  await act(() => useFlowSession.getState().refresh());
  render(<EnableDialog />);
  act(() => useFlowDialogs.getState().openEnable(FLOW.id));
  return screen.findByRole("dialog", { name: `Switch on “${FLOW.name}”?` });
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetFlowDialogs();
  useKindsStore.getState().setKinds([...KINDS.filter((spec) => spec.kind !== "send_email"), SEND_EMAIL]);
});

describe("Enable dialog", () => {
  it("says the flow starts from now and what it changes, and switches it on with nothing from the past", async () => {
    const enabled = backend();
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId("enable-from-now")).toHaveTextContent("It starts from now: it runs on alerts that arrive from now on, with published v3. Nothing that arrived before is replayed.");
    expect(await within(dialog).findByTestId("enable-changes")).toHaveTextContent("change the tenant for real: Isolate machine.");
    expect(within(dialog).queryByTestId("enable-backlog")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Switch on" }));
    await waitFor(() => expect(enabled).toEqual([{ id: FLOW.id, enabled: true, options: { handleBacklog: [], runMissedTick: false } }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(useFlowDialogs.getState().notice).toContain("is on and starts from now");
  });

  it("counts the alerts that arrived while it was off and leaves them alone by default", async () => {
    const enabled = backend({ enable_preview: () => preview({ backlog: [alert(1), alert(2), alert(3)], backlogSince: "2026-11-25T07:00:00Z" }) });
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId("enable-backlog-count")).toHaveTextContent("3 alerts arrived while it was off");
    expect(within(dialog).getAllByTestId("enable-backlog-alert").map((item) => item.textContent)).toEqual([
      expect.stringContaining("Ransomware on dc-01"),
      expect.stringContaining("Ransomware on dc-02"),
      expect.stringContaining("Ransomware on dc-03"),
    ]);
    expect(within(dialog).getByTestId("enable-backlog")).toHaveTextContent("They are not handled unless you ask.");
    fireEvent.click(within(dialog).getByRole("button", { name: "Switch on from now" }));
    await waitFor(() => expect(enabled).toEqual([{ id: FLOW.id, enabled: true, options: { handleBacklog: [], runMissedTick: false } }]));
  });

  it("“also handle these 3” first shows the dry runs' steps, then asks again, then handles exactly those", async () => {
    const reads: Record<string, number> = {};
    const dryRunCalls: unknown[] = [];
    const enabled = backend({
      enable_preview: () => preview({ backlog: [alert(1), alert(2), alert(3)] }),
      backlog_dry_run: (args) => {
        dryRunCalls.push(args);
        return [1, 2, 3].map((n) => ({ alertId: `da-${n}`, runId: `dry-${n}` }));
      },
      // Each dry run is still running at the first read and finished at the next.
      get_run: (args) => {
        const runId = args?.runId as string;
        reads[runId] = (reads[runId] ?? 0) + 1;
        const n = Number(runId.slice(-1));
        return reads[runId] === 1 ? { ...dryRun(n), run: runItem(runId, "running", { dryRun: true }), steps: [] } : dryRun(n);
      },
    });
    const dialog = await openDialog();
    fireEvent.click(await within(dialog).findByRole("button", { name: "Also handle these 3…" }));
    await waitFor(() => expect(dryRunCalls).toEqual([{ id: FLOW.id, alertIds: ["da-1", "da-2", "da-3"] }]));
    const preview3 = await screen.findByRole("dialog", { name: "Also handle 3 earlier alerts?" });
    expect(within(preview3).getByRole("button", { name: "Handle these 3…" })).toBeDisabled();
    await waitFor(() => expect(within(preview3).getAllByTestId("enable-would")).toHaveLength(6));
    expect(within(preview3).getAllByTestId("enable-would").map((line) => line.textContent)).toEqual([
      "Would isolate machine dc-01",
      "Would send email to soc@contoso.com",
      "Would isolate machine dc-02",
      "Would send email to soc@contoso.com",
      "Would isolate machine dc-03",
      "Would send email to soc@contoso.com",
    ]);
    expect(enabled).toEqual([]);
    fireEvent.click(within(preview3).getByRole("button", { name: "Handle these 3…" }));
    expect(within(preview3).getByTestId("enable-handle-warning")).toHaveTextContent("This really does it: 3 runs that change the tenant");
    expect(enabled).toEqual([]);
    fireEvent.click(within(preview3).getByRole("button", { name: "Switch on and handle 3" }));
    await waitFor(() => expect(enabled).toEqual([{ id: FLOW.id, enabled: true, options: { handleBacklog: ["da-1", "da-2", "da-3"], runMissedTick: false } }]));
    expect(useFlowDialogs.getState().notice).toContain("3 earlier alerts are being handled");
  });

  it("says what a failing dry run would do", async () => {
    backend({
      enable_preview: () => preview({ backlog: [alert(1)] }),
      backlog_dry_run: () => [{ alertId: "da-1", runId: "run-1" }],
      get_run: () => failedRun("run-1"),
    });
    const dialog = await openDialog();
    fireEvent.click(await within(dialog).findByRole("button", { name: "Also handle these 1…" }));
    expect(await screen.findByText("“Isolate machine” would fail: Machine 1e5bc9 was not found")).toBeInTheDocument();
  });

  it("lists why it cannot be switched on, in plain words, and offers Publish", async () => {
    const enabled = backend({ enable_preview: () => preview({ publishedVersion: null, refusal: "“Isolate on High” has never been published: publish it first." }) });
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId("enable-refusal")).toHaveTextContent("publish it first");
    expect(within(dialog).getByRole("button", { name: "Switch on" })).toBeDisabled();
    fireEvent.click(within(dialog).getByRole("button", { name: "Publish…" }));
    expect(useFlowDialogs.getState().publishing).toBe(FLOW.id);
    expect(enabled).toEqual([]);
  });

  it("shows a refusal of the switch itself, naming the step", async () => {
    backend({
      set_flow_enabled: () => {
        throw { kind: "invalid_input", message: "“Email the SOC”: Subject is required" };
      },
    });
    const dialog = await openDialog();
    await within(dialog).findByTestId("enable-from-now");
    fireEvent.click(within(dialog).getByRole("button", { name: "Switch on" }));
    expect(await within(dialog).findByTestId("enable-error")).toHaveTextContent("“Email the SOC”: Subject is required");
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("for a schedule flow says how many runs were missed, that they will not run, unless asked", async () => {
    const enabled = backend({ enable_preview: () => preview({ triggerKind: "schedule", missedTicks: 3, nextTick: "2026-11-26T08:00:00Z" }) });
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId("enable-from-now")).toHaveTextContent("It starts from now: it runs on its schedule from the next time");
    expect(within(dialog).getByTestId("enable-missed-ticks")).toHaveTextContent("3 scheduled runs were missed while it was off; they will not run.");
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "Run it once now for the missed time" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Switch on" }));
    await waitFor(() => expect(enabled).toEqual([{ id: FLOW.id, enabled: true, options: { handleBacklog: [], runMissedTick: true } }]));
  });
});
