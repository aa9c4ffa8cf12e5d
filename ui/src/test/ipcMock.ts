// A router for the mocked `invoke`: each test says what each command answers.
import { invoke } from "@tauri-apps/api/core";

export type Handler = (args: Record<string, unknown> | undefined) => unknown;

export function routeInvoke(handlers: Record<string, Handler>): void {
  vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
    const handler = handlers[command];
    if (!handler) throw { kind: "not_found", message: `no mock for ${command}` };
    return handler(args as Record<string, unknown> | undefined);
  });
}
