import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { ActivityButton } from "./ActivityButton";
import { resetActivityStore, useActivityStore } from "./activityStore";
import { RunPanel } from "../runs/RunPanel";
import { resetRunStore, useRunStore } from "../runs/runStore";
import { failedRun, runItem, seedFlow, summaryOf } from "../runs/runFixtures";
import { resetEditor } from "../state/editorStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { routeInvoke } from "../test/ipcMock";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const isolated = runItem("run-auto", "succeeded", {
  flowName: "Isolate on High",
  source: "alert",
  dryRun: false,
  alertId: "da-77",
  alertTitle: "Ransomware behaviour",
  machineName: "dc-05",
  tenantChanges: [{ stepId: "isolate_machine", kind: "isolate_machine", kindTitle: "Isolate machine", target: "dc-05", label: "Isolate machine · dc-05" }],
});
const dry = runItem("run-dry", "succeeded", { flowId: "other", flowName: "Hunt", source: "schedule", dryRun: true, alertId: null, alertTitle: null, machineName: null });

function backend() {
  let unseen = 1;
  let notify = true;
  const pages: unknown[] = [];
  routeInvoke({
    unseen_activity_count: () => unseen,
    list_activity: (args) => {
      pages.push(args);
      return args?.before ? { items: [runItem("run-old", "failed", { source: "manual", alertTitle: "Old alert" })], nextBefore: null, unseenTenantChanges: unseen } : { items: [isolated, dry], nextBefore: "cursor-1", unseenTenantChanges: unseen };
    },
    get_notify_tenant_changes: () => notify,
    set_notify_tenant_changes: (args) => {
      notify = args?.enabled as boolean;
      return null;
    },
    mark_activity_seen: () => {
      unseen = 0;
      return null;
    },
    list_flows: () => [summaryOf(seedFlow())],
    get_flow: () => ({ flow: seedFlow(), version: 3, draftVersion: 3, publishedVersion: 3, hasUnpublishedChanges: false, enabled: true, dryRunOnly: false, updatedAt: "", diagnostics: [] }),
    get_run: () => ({ ...failedRun("run-auto"), run: isolated }),
  });
  return pages;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetRunStore();
  resetActivityStore();
});

describe("Activity", () => {
  it("badges unseen tenant-changing runs and lists every run with source, alert, machine, status, dry run and what changed", async () => {
    const pages = backend();
    render(
      <>
        <ActivityButton />
        <RunPanel />
      </>,
    );
    await act(() => useActivityStore.getState().loadCount());
    expect(screen.getByRole("button", { name: /Activity/ })).toHaveTextContent("Activity1");
    expect(screen.getByTestId("activity-badge")).toHaveAccessibleName("1 unseen run that changed the tenant");
    fireEvent.click(screen.getByRole("button", { name: /Activity/ }));
    await waitFor(() => expect(screen.getAllByTestId("activity-row")).toHaveLength(2));
    const rows = screen.getAllByTestId("activity-row").map((row) => [...row.querySelectorAll("td")].slice(1).map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["Isolate on High", "⚡ New alert", "Ransomware behaviour", "dc-05", "✓ Succeeded", "Isolate machine · dc-05"],
      ["Hunt", "⚡ Schedule", "—", "—", "✓ SucceededDry run", "Dry run: nothing sent"],
    ]);
    // Seeing the feed marks the tenant-changing runs seen.
    await waitFor(() => expect(screen.queryAllByTestId("activity-badge")).toHaveLength(0));
    expect(invoke).toHaveBeenCalledWith("mark_activity_seen", undefined);
    fireEvent.click(screen.getByRole("button", { name: "Older runs" }));
    await waitFor(() => expect(screen.getAllByTestId("activity-row")).toHaveLength(3));
    expect(pages).toEqual([{ before: null, limit: 50 }, { before: "cursor-1", limit: 50 }]);
    expect(screen.queryByRole("button", { name: "Older runs" })).toBeNull();
  });

  it("has the setting for an OS notification when a background run changes the tenant", async () => {
    backend();
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("activity"));
    const box = await screen.findByRole("checkbox", { name: "Notify me when a background run changes the tenant" });
    await waitFor(() => expect(box).toBeChecked());
    fireEvent.click(box);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("set_notify_tenant_changes", { enabled: false }));
    expect(box).not.toBeChecked();
  });

  it("opens a run of any flow: its flow in the editor and the run in the panel", async () => {
    backend();
    render(<RunPanel />);
    act(() => useRunStore.getState().openPanel("activity"));
    await waitFor(() => expect(screen.getAllByTestId("activity-row")).toHaveLength(2));
    fireEvent.click(screen.getByRole("button", { name: /Open the run of Isolate on High/ }));
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe(seedFlow().id));
    await waitFor(() => expect(useRunStore.getState().runId).toBe("run-auto"));
    expect(await screen.findByTestId("run-result")).toHaveTextContent("Isolate machine · dc-05");
  });
});
