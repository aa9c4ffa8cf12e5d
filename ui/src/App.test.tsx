import { render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { App } from "./App";
import { resetGalleryStore } from "./gallery/galleryStore";
import { resetFlowSession, useFlowSession } from "./state/flowSession";
import { resetEditor } from "./state/editorStore";
import { routeInvoke } from "./test/ipcMock";
import { seedFlow, summaryOf } from "./runs/runFixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => undefined) }));

// React Flow measures its container; jsdom has no layout, so give it the observer it expects.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}

function backend(flows: ReturnType<typeof summaryOf>[]) {
  routeInvoke({
    app_info: () => ({ version: "0.1.0", databasePath: "/tmp/e2e.db" }),
    engine_status: () => ({ mode: "demo", description: "Demo tenant", error: null, emulatorUrl: null, smtpAddr: null, inFlight: 0 }),
    list_flows: () => flows,
    get_flow: () => ({ flow: seedFlow(), version: 3, draftVersion: 3, publishedVersion: 3, hasUnpublishedChanges: false, enabled: false, dryRunOnly: false, updatedAt: "", diagnostics: [] }),
    list_templates: () => [{ name: "isolate-high-severity", title: "Isolate the machine on a high-severity alert", description: "The whole description." }],
    get_template: () => seedFlow(),
    node_kinds: () => [],
    unseen_activity_count: () => 0,
  });
}

describe("App", () => {
  beforeAll(() => {
    vi.stubGlobal("ResizeObserver", ResizeObserverStub);
  });
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    resetFlowSession();
    resetEditor();
    resetGalleryStore();
  });
  afterEach(() => {
    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
  });

  it("shows the canvas, the palette and says when it runs outside the app", () => {
    render(<App />);
    expect(screen.getByTestId("canvas")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Node palette" })).toBeInTheDocument();
    expect(screen.getByTestId("status-bar")).toHaveTextContent("not running inside the Flowguard app");
  });

  it("on a first start (no flow) shows the template gallery and the tour, and creates nothing", async () => {
    (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__ = {};
    backend([]);
    render(<App />);
    const gallery = await screen.findByRole("region", { name: "Start from a template" }, { timeout: 5000 });
    await within(gallery).findByText("The whole description.", undefined, { timeout: 5000 });
    expect(screen.getByRole("dialog", { name: "Demo mode" })).toBeInTheDocument();
    expect(invoke).not.toHaveBeenCalledWith("create_flow", expect.anything());
    expect(useFlowSession.getState().flow).toBeNull();
  });

  it("with flows opens the first one, and neither the gallery nor the tour shows", async () => {
    (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__ = {};
    backend([summaryOf(seedFlow())]);
    render(<App />);
    await waitFor(() => expect(useFlowSession.getState().flow?.id).toBe(seedFlow().id), { timeout: 5000 });
    expect(screen.queryByRole("region", { name: "Start from a template" })).toBeNull();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByTestId("publish-state")).toHaveTextContent("Published v3");
  });
});
