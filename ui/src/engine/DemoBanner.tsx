import { useState } from "react";
import { errorText, ipc } from "../ipc/client";
import { useSettingsDialog } from "../settings/settingsStore";
import { useEngineStore } from "./engineStore";
import "./engine.css";

/** The severities the emulator's simulated alerts can have. */
export const ALERT_SEVERITIES = ["Informational", "Low", "Medium", "High"] as const;

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/**
 * Above the canvas: in demo mode, says that no tenant is configured and offers "Connect a
 * tenant" and "Simulate alert"; when the engine is stopped, says why. Nothing otherwise.
 */
export function DemoBanner() {
  const status = useEngineStore((state) => state.status);
  const openSettings = useSettingsDialog((state) => state.setOpen);
  const [severity, setSeverity] = useState<string>("High");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  if (!status) return null;

  if (status.mode === "stopped") {
    return (
      <div className="engine-banner engine-banner-warning" role="alert" data-testid="engine-stopped-banner">
        <span className="engine-banner-icon" aria-hidden="true">
          ⚠
        </span>
        <span className="engine-banner-text">
          <strong>The background engine is not running</strong>, so enabled flows do not run.{" "}
          {status.error ?? status.description}
        </span>
        <button type="button" className="plain-button" onClick={() => openSettings(true)}>
          Open Settings
        </button>
      </div>
    );
  }
  if (status.mode !== "demo") return null;

  const simulate = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const alert = await ipc.simulateAlert(severity);
      setOutcome({ ok: true, text: `Alert “${alert.title}” created — enabled alert flows pick it up within seconds.` });
    } catch (error) {
      setOutcome({ ok: false, text: `The alert could not be created: ${errorText(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="engine-banner engine-banner-demo" aria-label="Demo mode" data-testid="demo-banner">
      <span className="engine-banner-icon" aria-hidden="true">
        ◎
      </span>
      <span className="engine-banner-text">
        <strong>Demo mode:</strong> no Defender tenant is configured, so Flowguard runs against its built-in Defender emulator. Nothing
        reaches a real tenant.
      </span>
      <button type="button" className="plain-button" data-testid="demo-connect" onClick={() => openSettings(true)}>
        Connect a tenant
      </button>
      <span className="engine-banner-simulate">
        <select
          className="banner-select"
          aria-label="Alert severity"
          data-testid="demo-severity"
          value={severity}
          onChange={(event) => setSeverity(event.target.value)}
        >
          {ALERT_SEVERITIES.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button type="button" className="primary-button" data-testid="demo-simulate" disabled={busy} onClick={() => void simulate()}>
          {busy ? "Simulating…" : "Simulate alert"}
        </button>
      </span>
      {outcome && (
        <span className={`engine-banner-outcome ${outcome.ok ? "check-ok" : "check-fail"}`} role={outcome.ok ? "status" : "alert"} data-testid="demo-outcome">
          {outcome.text}
        </span>
      )}
    </section>
  );
}
