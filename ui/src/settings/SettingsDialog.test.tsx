import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import type { SettingsView } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { SettingsButton, SettingsDialog } from "./SettingsDialog";
import { useSettingsDialog } from "./settingsStore";
import { defenderProblems, looksLikeId, urlProblem } from "./validation";
import { PERMISSIONS } from "./permissions";
import { useEngineStore } from "../engine/engineStore";
import { THEME_KEY, useTheme } from "../state/theme";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0d3c5d4e-1111-4222-8333-944455556666";

function settings(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    defender: { tenantId: TENANT, clientId: CLIENT, cloud: "global", apiUrl: null, loginUrl: null, hasSecret: true },
    mail: { smtp: { host: "smtp.contoso.com", port: 587, security: "start_tls", username: "soc", from: "Flowguard <flowguard@contoso.com>", hasPassword: true }, graphSender: null },
    closeToTray: true,
    environmentOverrides: [],
    secretStore: "the OS keychain",
    ...overrides,
  };
}

function backend(view: SettingsView, extra: Parameters<typeof routeInvoke>[0] = {}) {
  let current = view;
  routeInvoke({
    get_settings: () => current,
    save_defender_settings: (args) => {
      const input = args?.input as { tenantId: string; clientId: string; cloud: string; apiUrl: string | null; loginUrl: string | null; clientSecret: string | null };
      current = { ...current, defender: { tenantId: input.tenantId, clientId: input.clientId, cloud: input.cloud, apiUrl: input.apiUrl, loginUrl: input.loginUrl, hasSecret: current.defender?.hasSecret || input.clientSecret !== null } };
      return current;
    },
    clear_defender_settings: () => {
      current = { ...current, defender: null };
      return current;
    },
    save_smtp_settings: () => current,
    save_graph_settings: (args) => {
      current = { ...current, mail: { ...current.mail, graphSender: (args?.sender as string | null) ?? null } };
      return current;
    },
    set_close_to_tray: () => null,
    ...extra,
  });
}

const onClose = vi.fn();

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  onClose.mockReset();
  useSettingsDialog.setState({ open: false });
});

describe("Settings dialog", () => {
  it("loads the saved values and never shows a secret", async () => {
    backend(settings({ environmentOverrides: ["FLOWGUARD_TENANT_ID"] }));
    render(<SettingsDialog onClose={onClose} />);
    expect(await screen.findByLabelText(/Tenant id/)).toHaveValue(TENANT);
    expect(screen.getByRole("dialog", { name: "Settings" })).toBeInTheDocument();
    expect(screen.getByLabelText(/Client id/)).toHaveValue(CLIENT);
    expect(screen.getByLabelText("Cloud")).toHaveValue("global");
    const secret = screen.getByLabelText("Client secret");
    expect(secret).toHaveAttribute("type", "password");
    expect(secret).toHaveValue("");
    expect(screen.getByTestId("secret-stored")).toHaveTextContent("A secret is stored (it is never shown)");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByTestId("smtp-password-stored")).toBeInTheDocument();
    expect(screen.getByLabelText(/Host/)).toHaveValue("smtp.contoso.com");
    expect(screen.getByRole("switch", { name: "Keep running in the tray when the window is closed" })).toBeChecked();
    expect(screen.getByTestId("settings-overrides")).toHaveTextContent("FLOWGUARD_TENANT_ID");
    expect(screen.getByTestId("settings-secret-store")).toHaveTextContent("the OS keychain");
  });

  it("saves with an empty secret as null (keeps the stored one), and clears a typed secret after saving", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.click(screen.getByTestId("defender-save"));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith("save_defender_settings", {
        input: { tenantId: TENANT, clientId: CLIENT, cloud: "global", apiUrl: null, loginUrl: null, clientSecret: null },
      }),
    );
    expect(await screen.findByTestId("defender-save-result")).toHaveTextContent("Saved");

    fireEvent.change(screen.getByLabelText("Client secret"), { target: { value: "n3w-s3cret" } });
    fireEvent.click(screen.getByTestId("defender-save"));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("save_defender_settings", { input: expect.objectContaining({ clientSecret: "n3w-s3cret" }) }));
    await waitFor(() => expect(screen.getByLabelText("Client secret")).toHaveValue(""));
  });

  it("requires a secret when none is stored and checks the ids before calling Rust", async () => {
    backend(settings({ defender: null }));
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByTestId("defender-save");
    fireEvent.change(screen.getByLabelText(/Tenant id/), { target: { value: "not a tenant" } });
    fireEvent.change(screen.getByLabelText(/Client id/), { target: { value: CLIENT } });
    fireEvent.click(screen.getByTestId("defender-save"));
    expect(await screen.findByText(/A tenant id is a GUID/)).toBeInTheDocument();
    expect(screen.getByText("Required: no secret is stored yet.")).toBeInTheDocument();
    expect(screen.getByLabelText(/Tenant id/)).toHaveAttribute("aria-invalid", "true");
    expect(invoke).not.toHaveBeenCalledWith("save_defender_settings", expect.anything());
    expect(screen.queryByTestId("defender-remove")).toBeNull();
  });

  it("shows the custom cloud's URL fields", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    expect(screen.queryByLabelText(/API URL/)).toBeNull();
    fireEvent.change(screen.getByLabelText("Cloud"), { target: { value: "custom" } });
    fireEvent.change(screen.getByLabelText(/API URL/), { target: { value: "http://127.0.0.1:8443" } });
    fireEvent.change(screen.getByLabelText(/Login URL/), { target: { value: "http://127.0.0.1:8443" } });
    fireEvent.click(screen.getByTestId("defender-save"));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith("save_defender_settings", {
        input: expect.objectContaining({ cloud: "custom", apiUrl: "http://127.0.0.1:8443", loginUrl: "http://127.0.0.1:8443", clientSecret: null }),
      }),
    );
  });

  it("shows the test connection's result, green or red", async () => {
    const test = vi.fn(() => ({ ok: false, message: "AADSTS7000215: Invalid client secret provided." }));
    backend(settings(), { test_defender_connection: test });
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    const result = await screen.findByTestId("defender-test-result");
    expect(result).toHaveTextContent("Invalid client secret");
    expect(result).toHaveClass("check-fail");
    expect(invoke).toHaveBeenCalledWith("test_defender_connection", { input: expect.objectContaining({ tenantId: TENANT, clientSecret: null }) });

    test.mockReturnValue({ ok: true, message: "Connected: 12 alerts readable." });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    await waitFor(() => expect(screen.getByTestId("defender-test-result")).toHaveClass("check-ok"));
    expect(screen.getByTestId("defender-test-result")).toHaveTextContent("Connected: 12 alerts readable.");
  });

  it("names the failed step of the test connection and what to do", async () => {
    const failure = {
      step: "token",
      code: "AADSTS7000215",
      message: "Entra ID refused the token request: invalid_client: AADSTS7000215: Invalid client secret provided.",
      hint: "The client secret is wrong: enter the secret's Value (not its Secret ID).",
    };
    backend(settings(), { test_defender_connection: () => ({ ok: false, message: "token request failed", failure }) });
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    const result = await screen.findByTestId("defender-test-result");
    expect(result).toHaveTextContent("Token request (Entra ID) failed (AADSTS7000215): Entra ID refused the token request");
    expect(screen.getByTestId("defender-test-hint")).toHaveTextContent("The client secret is wrong");
  });

  it("removes the connection only after confirmation", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.click(screen.getByRole("button", { name: "Remove connection (use demo mode)" }));
    expect(invoke).not.toHaveBeenCalledWith("clear_defender_settings", undefined);
    const confirm = screen.getByRole("alertdialog", { name: "Remove the Defender connection?" });
    fireEvent.click(within(confirm).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(screen.getByLabelText(/Tenant id/)).toHaveValue(""));
    expect(invoke).toHaveBeenCalledWith("clear_defender_settings", undefined);
    expect(screen.queryByTestId("secret-stored")).toBeNull();
  });

  it("saves SMTP with an empty password as null, and removes it", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue("smtp.contoso.com");
    fireEvent.click(screen.getByTestId("smtp-save"));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith("save_smtp_settings", {
        input: { host: "smtp.contoso.com", port: 587, security: "start_tls", username: "soc", from: "Flowguard <flowguard@contoso.com>", password: null },
      }),
    );
    fireEvent.click(screen.getByTestId("smtp-remove"));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("save_smtp_settings", { input: null }));
  });

  it("saves Graph's sender and sends a test email", async () => {
    backend(settings(), { send_test_email: () => ({ ok: true, message: "Sent to soc@contoso.com ()" }) });
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue("smtp.contoso.com");
    fireEvent.change(screen.getByLabelText("Sender mailbox"), { target: { value: "soc-automation@contoso.com" } });
    fireEvent.click(screen.getByTestId("graph-save"));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("save_graph_settings", { sender: "soc-automation@contoso.com" }));

    fireEvent.change(screen.getByLabelText("To"), { target: { value: "soc@contoso.com" } });
    fireEvent.change(screen.getByLabelText("Send with"), { target: { value: "graph" } });
    fireEvent.click(screen.getByRole("button", { name: "Send a test email" }));
    expect(await screen.findByTestId("test-email-result")).toHaveTextContent("Test email sent to soc@contoso.com through Microsoft Graph.");
    // The server's message id (empty here) is not shown: no "()".
    expect(screen.getByTestId("test-email-result")).not.toHaveTextContent("()");
    expect(invoke).toHaveBeenCalledWith("send_test_email", { to: "soc@contoso.com", connection: "graph" });
  });

  it("turns the tray switch off", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    const toggle = await screen.findByRole("switch", { name: "Keep running in the tray when the window is closed" });
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle).not.toBeChecked());
    expect(invoke).toHaveBeenCalledWith("set_close_to_tray", { enabled: false });
  });

  it("closes on Escape", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.keyDown(screen.getByLabelText(/Tenant id/), { key: "Escape" });
    expect(onClose).toHaveBeenCalled();
  });
});

describe("Settings button", () => {
  it("opens the dialog on click and with Ctrl+,", async () => {
    backend(settings());
    render(<SettingsButton />);
    fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    expect(await screen.findByRole("dialog", { name: "Settings" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Close settings" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    act(() => {
      fireEvent.keyDown(window, { key: ",", ctrlKey: true });
    });
    expect(await screen.findByRole("dialog", { name: "Settings" })).toBeInTheDocument();
    await screen.findByDisplayValue(TENANT);
  });
});

describe("Settings checks", () => {
  it("accepts GUIDs and domain names, and https or loopback URLs", () => {
    expect(looksLikeId(TENANT)).toBe(true);
    expect(looksLikeId("contoso.onmicrosoft.com")).toBe(true);
    expect(looksLikeId("flowguard-demo")).toBe(true);
    expect(looksLikeId("contoso tenant")).toBe(false);
    expect(urlProblem("https://api.security.microsoft.com")).toBeNull();
    expect(urlProblem("http://localhost:8080")).toBeNull();
    expect(urlProblem("http://api.example.com")).toMatch(/https/);
    expect(defenderProblems({ tenantId: TENANT, clientId: CLIENT, cloud: "global", apiUrl: "", loginUrl: "", secret: "" }, true)).toEqual({});
  });
});

describe("Settings that guide", () => {
  it("lists every application permission per API, admin consent, where the ids are, and Microsoft's page", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    const guide = await screen.findByTestId("permission-guide");
    for (const name of ["Alert.Read.All", "Alert.ReadWrite.All", "Machine.Read.All", "Machine.Isolate", "Machine.Scan", "Machine.CollectForensics", "Machine.RestrictExecution", "Machine.LiveResponse", "Ti.ReadWrite.All", "AdvancedQuery.Read.All"]) {
      expect(within(screen.getByRole("list", { name: "WindowsDefenderATP permissions" })).getByText(name)).toBeInTheDocument();
    }
    for (const name of ["SecurityAlert.Read.All", "SecurityIncident.Read.All", "ThreatHunting.Read.All", "Mail.Send"]) {
      expect(within(screen.getByRole("list", { name: "Microsoft Graph permissions" })).getByText(name)).toBeInTheDocument();
    }
    expect(PERMISSIONS.flatMap((api) => api.permissions)).toHaveLength(15);
    expect(guide).toHaveTextContent("Grant admin consent");
    expect(guide).toHaveTextContent("Directory (tenant) ID");
    expect(guide).toHaveTextContent("Application (client) ID");
    expect(within(guide).getByRole("link", { name: /Create an app to access Microsoft Defender for Endpoint/ })).toHaveAttribute("href", expect.stringContaining("learn.microsoft.com"));
    expect(guide).not.toHaveTextContent("…");
  });

  it("asks before closing over typed values that are not saved, and closes at once when there are none", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    await screen.findByDisplayValue(TENANT);
    fireEvent.click(screen.getByTestId("settings-close"));
    expect(onClose).toHaveBeenCalledTimes(1);
    onClose.mockReset();

    fireEvent.change(screen.getByLabelText("Client secret"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByTestId("settings-close"));
    expect(onClose).not.toHaveBeenCalled();
    const ask = screen.getByTestId("settings-unsaved");
    expect(ask).toHaveTextContent("Defender connection");
    expect(screen.getByTestId("settings-keep-editing")).toHaveFocus();
    fireEvent.click(screen.getByTestId("settings-keep-editing"));
    expect(screen.getByLabelText("Client secret")).toHaveValue("s3cret");
    fireEvent.keyDown(screen.getByRole("dialog", { name: "Settings" }), { key: "Escape" });
    fireEvent.click(screen.getByTestId("settings-discard"));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("says in demo mode that emails go to the built-in SMTP server", async () => {
    useEngineStore.setState({ status: { mode: "demo", description: "demo", error: null, emulatorUrl: "http://127.0.0.1:7000", smtpAddr: "127.0.0.1:2525", inFlight: 0 } });
    backend(settings({ defender: null }));
    render(<SettingsDialog onClose={onClose} />);
    expect(await screen.findByTestId("email-demo-note")).toHaveTextContent("built-in SMTP server (127.0.0.1:2525)");
    act(() => useEngineStore.setState({ status: null }));
  });

  it("switches the theme and remembers it", async () => {
    backend(settings());
    render(<SettingsDialog onClose={onClose} />);
    fireEvent.click(await screen.findByTestId("theme-dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(window.localStorage.getItem(THEME_KEY)).toBe("dark");
    fireEvent.click(screen.getByTestId("theme-system"));
    // The system's theme (jsdom's is light) is written out, so the CSS needs one dark block.
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(window.localStorage.getItem(THEME_KEY)).toBeNull();
    expect(useTheme.getState().theme).toBe("system");
  });
});
