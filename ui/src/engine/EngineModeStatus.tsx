import { useEngineStore } from "./engineStore";
import "./engine.css";

/**
 * The status bar's engine part: which tenant (or the demo emulator), whether the engine runs,
 * and how many runs are in flight. In demo mode `data-emulator-url` carries the emulator's base
 * URL (the end-to-end tests drive its control API through it).
 */
export function EngineModeStatus() {
  const status = useEngineStore((state) => state.status);
  const error = useEngineStore((state) => state.error);
  if (!status) {
    if (!error) return null;
    return (
      <>
        <span className="status-separator">·</span>
        <span className="engine-mode engine-mode-stopped" data-testid="engine-mode" data-mode="unknown" title={error}>
          Engine status unavailable
        </span>
      </>
    );
  }
  const dot = status.mode === "stopped" ? "○" : "●";
  return (
    <>
      <span className="status-separator">·</span>
      <span className={`engine-mode-dot engine-mode-${status.mode}`} aria-hidden="true">
        {dot}
      </span>
      <span
        className={`engine-mode engine-mode-${status.mode}`}
        data-testid="engine-mode"
        data-mode={status.mode}
        data-emulator-url={status.mode === "demo" ? (status.emulatorUrl ?? undefined) : undefined}
        title={status.error ?? status.description}
      >
        {status.description}
      </span>
      {status.mode === "stopped" && !/stop/i.test(status.description) && <span className="engine-mode-stopped">· engine stopped</span>}
      {status.mode !== "stopped" && status.inFlight > 0 && (
        <span data-testid="engine-in-flight">
          · {status.inFlight} run{status.inFlight === 1 ? "" : "s"} in progress
        </span>
      )}
    </>
  );
}
