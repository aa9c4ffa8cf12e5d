import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { Flow } from "../ipc/client";
import { resetEditor } from "../state/editorStore";
import { resetFlowSession, useFlowSession } from "../state/flowSession";
import { useKindsStore } from "../state/kindsStore";
import { KINDS } from "../test/fixtures";
import { routeInvoke } from "../test/ipcMock";
import { seedFlow } from "../runs/runFixtures";
import { resetGalleryStore, useGalleryStore } from "./galleryStore";
import { FirstStartGallery, GalleryDialog } from "./TemplateGallery";
import { HelpMenu, Tour, TOUR } from "./Tour";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const DESCRIPTION =
  "When Defender raises a new alert of Medium severity or above, read it; if it is High, isolate the machine (Full) and email the SOC with the alert, the machine and a link. Medium alerts only get an email.";

function backend() {
  const calls: unknown[] = [];
  const template: Flow = { ...seedFlow(), name: "Isolate the machine on a high-severity alert and email the SOC" };
  routeInvoke({
    list_templates: () => [
      { name: "isolate-high-severity", title: template.name, description: DESCRIPTION },
      { name: "daily-digest", title: "Daily digest email", description: "Every weekday at 08:00, email the SOC." },
    ],
    get_template: (args) => (args?.name === "isolate-high-severity" ? template : { ...template, steps: [], edges: [], trigger: { kind: "schedule", title: "Every weekday", inputs: {} } }),
    node_kinds: () => KINDS,
    create_flow: (args) => {
      calls.push(["create_flow", args]);
      return { ...template, id: "isolate-the-machine" };
    },
    set_flow_dry_run_only: (args) => {
      calls.push(["set_flow_dry_run_only", args]);
      return null;
    },
    list_flows: () => [],
    get_flow: () => ({ flow: { ...template, id: "isolate-the-machine" }, version: 1, draftVersion: 1, publishedVersion: null, hasUnpublishedChanges: true, enabled: false, dryRunOnly: true, updatedAt: "", diagnostics: [] }),
  });
  return calls;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetFlowSession();
  resetEditor();
  resetGalleryStore();
  useKindsStore.getState().setKinds(KINDS);
});

afterEach(() => vi.restoreAllMocks());

describe("Template gallery", () => {
  it("shows every template with its full description and steps, and opens one as a draft with dry run only on", async () => {
    const calls = backend();
    render(
      <div data-testid="canvas">
        <FirstStartGallery />
      </div>,
    );
    const gallery = await screen.findByRole("region", { name: "Start from a template" });
    expect(gallery).toHaveTextContent("Flowguard automates your response to Microsoft Defender for Endpoint");
    const card = await within(gallery).findByRole("listitem", { name: "Isolate the machine on a high-severity alert and email the SOC" });
    // The whole description, not cut off.
    expect(within(card).getByText(DESCRIPTION)).toBeInTheDocument();
    const steps = await within(card).findByRole("list", { name: /Steps of/ });
    expect(within(steps).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["New Defender alert", "Get alert", "Severity is High", "Isolate machine ⚠", "Email the SOC"]);
    expect(card).toHaveTextContent("opens in dry run only, so nothing is sent until you switch that off");
    expect(within(gallery).getByRole("listitem", { name: "Daily digest email" })).toBeInTheDocument();
    fireEvent.click(within(card).getByRole("button", { name: "Use this template" }));
    await waitFor(() =>
      expect(calls).toEqual([
        ["create_flow", { template: "isolate-high-severity", name: "" }],
        ["set_flow_dry_run_only", { id: "isolate-the-machine", on: true }],
      ]),
    );
    expect(useFlowSession.getState().flow?.id).toBe("isolate-the-machine");
  });

  it("opens as a dialog from Help, and the tour from there too", async () => {
    backend();
    render(
      <>
        <HelpMenu />
        <GalleryDialog />
        <Tour />
      </>,
    );
    fireEvent.click(screen.getByRole("button", { name: "Help" }));
    fireEvent.click(screen.getByRole("menuitem", { name: /Templates/ }));
    const dialog = screen.getByRole("dialog", { name: "Start from a template" });
    await within(dialog).findByRole("listitem", { name: "Daily digest email" });
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Help" }));
    fireEvent.click(screen.getByRole("menuitem", { name: /Take the tour/ }));
    expect(screen.getByRole("dialog", { name: "Demo mode" })).toBeInTheDocument();
  });
});

describe("Tour", () => {
  it("walks through demo mode, Simulate alert, Run now and History, pointing at each", () => {
    render(
      <>
        <section data-testid="demo-banner">
          <button type="button" data-testid="demo-simulate">
            Simulate alert
          </button>
        </section>
        <button type="button" data-testid="run-now">
          Run now
        </button>
        <button type="button" data-testid="run-history">
          History
        </button>
        <Tour />
      </>,
    );
    expect(TOUR.map((stop) => stop.title)).toEqual(["Demo mode", "Simulate alert", "Run now", "History and activity"]);
    act(() => useGalleryStore.getState().offerTour());
    const seen: string[] = [];
    for (const stop of TOUR) {
      const card = screen.getByRole("dialog", { name: stop.title });
      expect(card).toHaveAccessibleDescription(stop.text);
      seen.push(card.dataset.step ?? "");
      fireEvent.click(within(card).getByRole("button", { name: stop === TOUR[TOUR.length - 1] ? "Done" : "Next" }));
    }
    expect(seen).toEqual(["0", "1", "2", "3"]);
    expect(screen.queryByRole("dialog")).toBeNull();
    // It opens by itself once only.
    act(() => useGalleryStore.getState().offerTour());
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("points at what appears after it opened (the demo banner once the engine's status is read)", async () => {
    // jsdom lays nothing out: give the banner a size, as a browser would.
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
      return this.dataset.testid === "demo-banner" ? new DOMRect(0, 44, 800, 40) : new DOMRect(0, 0, 0, 0);
    });
    const { rerender } = render(<Tour />);
    act(() => useGalleryStore.getState().startTour());
    expect(screen.getByRole("dialog", { name: "Demo mode" })).toHaveTextContent("(Not on the screen right now.)");
    rerender(
      <>
        <section data-testid="demo-banner">Demo mode</section>
        <Tour />
      </>,
    );
    await waitFor(() => expect(screen.getByRole("dialog", { name: "Demo mode" })).not.toHaveTextContent("(Not on the screen right now.)"));
  });

  it("can be skipped at any stop, and Escape ends it", () => {
    render(<Tour />);
    act(() => useGalleryStore.getState().startTour());
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    fireEvent.click(screen.getByRole("button", { name: "Skip tour" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    act(() => useGalleryStore.getState().startTour());
    fireEvent.keyDown(screen.getByRole("dialog", { name: "Demo mode" }), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
