import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { EngineStatus } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { useSettingsDialog } from "../settings/settingsStore";
import { DemoBanner } from "./DemoBanner";
import { EngineModeStatus } from "./EngineModeStatus";
import { resetEngineStore, useEngineStore } from "./engineStore";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const DEMO: EngineStatus = { mode: "demo", description: "Demo tenant — emulator", error: null, emulatorUrl: "http://127.0.0.1:41234", smtpAddr: "127.0.0.1:41235", inFlight: 0 };
const TENANT: EngineStatus = { mode: "tenant", description: "Tenant contoso.onmicrosoft.com (global)", error: null, emulatorUrl: null, smtpAddr: null, inFlight: 2 };
const STOPPED: EngineStatus = { mode: "stopped", description: "Engine stopped", error: "another Flowguard process runs the flows of this database", emulatorUrl: null, smtpAddr: null, inFlight: 0 };

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetEngineStore();
  useSettingsDialog.setState({ open: false });
});

function both() {
  return render(
    <>
      <DemoBanner />
      <footer>
        <EngineModeStatus />
      </footer>
    </>,
  );
}

describe("Demo banner", () => {
  it("appears in demo mode, loaded with engine_status, and the status bar carries the emulator's URL", async () => {
    routeInvoke({ engine_status: () => DEMO });
    both();
    await act(() => useEngineStore.getState().load());
    expect(screen.getByRole("region", { name: "Demo mode" })).toHaveTextContent("built-in Defender emulator");
    const mode = screen.getByTestId("engine-mode");
    expect(mode).toHaveTextContent("Demo tenant — emulator");
    expect(mode).toHaveAttribute("data-emulator-url", "http://127.0.0.1:41234");
  });

  it("does not appear with a tenant, and follows status events", () => {
    both();
    act(() => useEngineStore.getState().setStatus(TENANT));
    expect(screen.queryByTestId("demo-banner")).toBeNull();
    expect(screen.getByTestId("engine-mode")).toHaveTextContent("Tenant contoso.onmicrosoft.com (global)");
    expect(screen.getByTestId("engine-mode")).not.toHaveAttribute("data-emulator-url");
    expect(screen.getByTestId("engine-in-flight")).toHaveTextContent("2 runs in progress");
    act(() => useEngineStore.getState().setStatus(DEMO));
    expect(screen.getByTestId("demo-banner")).toBeInTheDocument();
  });

  it("simulates an alert with the chosen severity and says what happens next", async () => {
    const simulate = vi.fn(() => ({ id: "da1", title: "Suspicious PowerShell", severity: "Medium", status: "New", machineId: null, computerDnsName: null, createdAt: null }));
    routeInvoke({ simulate_alert: simulate });
    render(<DemoBanner />);
    act(() => useEngineStore.getState().setStatus(DEMO));
    fireEvent.change(screen.getByRole("combobox", { name: "Alert severity" }), { target: { value: "Medium" } });
    fireEvent.click(screen.getByRole("button", { name: "Simulate alert" }));
    expect(await screen.findByTestId("demo-outcome")).toHaveTextContent("Alert “Suspicious PowerShell” created — enabled alert flows pick it up within seconds");
    expect(invoke).toHaveBeenCalledWith("simulate_alert", { severity: "Medium" });
  });

  it("shows a failure to simulate", async () => {
    routeInvoke({ simulate_alert: () => { throw { kind: "unavailable", message: "the emulator is not running" }; } });
    render(<DemoBanner />);
    act(() => useEngineStore.getState().setStatus(DEMO));
    fireEvent.click(screen.getByRole("button", { name: "Simulate alert" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the emulator is not running");
  });

  it("opens Settings from Connect a tenant", () => {
    render(<DemoBanner />);
    act(() => useEngineStore.getState().setStatus(DEMO));
    fireEvent.click(screen.getByRole("button", { name: "Connect a tenant" }));
    expect(useSettingsDialog.getState().open).toBe(true);
  });

  it("warns with the error when the engine is stopped", async () => {
    both();
    act(() => useEngineStore.getState().setStatus(STOPPED));
    expect(screen.queryByTestId("demo-banner")).toBeNull();
    expect(screen.getByRole("alert")).toHaveTextContent("another Flowguard process runs the flows of this database");
    await waitFor(() => expect(screen.getByTestId("engine-mode")).toHaveAttribute("data-mode", "stopped"));
  });

  it("keeps a newer event over a slower load", async () => {
    let answer: (status: EngineStatus) => void = () => undefined;
    vi.mocked(invoke).mockImplementation(() => new Promise((resolve) => (answer = resolve as (status: EngineStatus) => void)));
    const loading = useEngineStore.getState().load();
    useEngineStore.getState().setStatus(TENANT);
    answer(DEMO);
    await loading;
    expect(useEngineStore.getState().status?.mode).toBe("tenant");
  });
});
