import { invoke } from "@tauri-apps/api/core";
import { ipc } from "./client";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("ipc client", () => {
  it("returns the command's typed answer", async () => {
    vi.mocked(invoke).mockResolvedValueOnce({
      version: "0.1.0",
      databasePath: "/tmp/flowguard.db",
      dataDirectory: "/tmp",
      logDirectory: "/tmp/logs",
    });
    await expect(ipc.appInfo()).resolves.toMatchObject({ version: "0.1.0" });
    expect(invoke).toHaveBeenCalledWith("app_info", undefined);
  });

  it("turns a command error into a readable Error", async () => {
    vi.mocked(invoke).mockRejectedValueOnce({ kind: "not_found", message: "no such flow" });
    await expect(ipc.appInfo()).rejects.toThrow("app_info: no such flow (not_found)");
  });
});
