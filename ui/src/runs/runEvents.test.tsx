import { act, render, screen, waitFor } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { Canvas } from "../canvas/Canvas";
import { RunPanel } from "./RunPanel";
import { resetRunStore, useRunStore } from "./runStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { resetEditor } from "../state/editorStore";
import type { RunDetail, RunEventView } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { FLOW_ID, runItem, seedFlow, stepRun, summaryOf } from "./runFixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const statusOf = (nodeId: string) => document.querySelector(`.flow-node[data-node-id="${nodeId}"]`)?.getAttribute("data-run-status");

describe("Live run events", () => {
  let emit: (event: RunEventView) => void = () => {};

  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    vi.mocked(listen).mockImplementation(async (_name, handler) => {
      emit = (payload) => (handler as (event: { payload: RunEventView }) => void)({ payload });
      return () => {};
    });
    // onRunEvent listens only inside the app.
    Object.defineProperty(window, "__TAURI_INTERNALS__", { value: {}, configurable: true });
    resetFlowSession();
    resetEditor();
    resetRunStore();
    act(() => {
      useFlowSession.getState().openFlow(seedFlow());
      useFlowSession.setState({ flows: [summaryOf(seedFlow(), 3)] });
    });
  });

  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  });

  it("lights the nodes as the run goes, and ends with what the database says", async () => {
    let detail: RunDetail = { run: runItem("run-7", "running"), triggerPayload: {}, rerunOf: null, steps: [], flow: seedFlow() };
    routeInvoke({ get_run: () => detail });
    render(
      <>
        <Canvas />
        <RunPanel />
      </>,
    );
    await waitFor(() => expect(listen).toHaveBeenCalledWith("run-event", expect.any(Function)));
    // An event that arrives before Run now knows the run's id is kept for it.
    act(() => emit({ type: "run_started", runId: "run-7", flowId: FLOW_ID, dryRun: true }));
    await act(() => useRunStore.getState().watch("run-7", FLOW_ID));
    expect(statusOf("trigger")).toBe("succeeded");
    expect(statusOf("get_alert")).toBe("pending");

    act(() => emit({ type: "step_started", runId: "run-7", stepId: "get_alert", attempt: 1 }));
    expect(statusOf("get_alert")).toBe("running");
    expect(screen.getByTestId("node-get_alert")).toHaveTextContent("status: running");

    act(() => emit({ type: "step_finished", runId: "run-7", stepId: "get_alert", status: "succeeded", durationMs: 120 }));
    act(() => emit({ type: "step_started", runId: "run-7", stepId: "condition", attempt: 1 }));
    act(() => emit({ type: "step_retrying", runId: "run-7", stepId: "condition", attempt: 1, delayMs: 8000, error: "throttled" }));
    expect(statusOf("get_alert")).toBe("succeeded");
    expect(statusOf("condition")).toBe("running");
    // Events of other runs leave the canvas alone.
    act(() => emit({ type: "step_finished", runId: "other", stepId: "condition", status: "failed", durationMs: 5 }));
    expect(statusOf("condition")).toBe("running");
    expect(await screen.findByText(/Retrying in 8\.0 s/)).toBeInTheDocument();

    detail = {
      ...detail,
      run: runItem("run-7", "failed"),
      steps: [stepRun("get_alert", "succeeded"), stepRun("condition", "failed", { attempts: 2, error: { code: "throttled", message: "Too many requests" } }), stepRun("isolate_machine", "skipped"), stepRun("send_email", "skipped")],
    };
    // The step events of the end were missed: run_finished re-reads the run.
    act(() => emit({ type: "run_finished", runId: "run-7", flowId: FLOW_ID, status: "failed" }));
    await waitFor(() => expect(statusOf("condition")).toBe("failed"));
    expect(statusOf("isolate_machine")).toBe("skipped");
    expect(statusOf("send_email")).toBe("skipped");
    expect(screen.getByTestId("node-condition")).toHaveTextContent("status: failed");
    expect(screen.getByTestId("run-status")).toHaveTextContent("Failed");
  });

  it("paints nothing for a run of another flow", async () => {
    routeInvoke({ get_run: () => ({ run: { ...runItem("run-8", "running"), flowId: "other-flow" }, triggerPayload: {}, rerunOf: null, steps: [], flow: null }) });
    render(<Canvas />);
    await act(() => useRunStore.getState().watch("run-8", "other-flow"));
    expect(statusOf("trigger")).toBeNull();
  });
});
