import { useEffect, useState } from "react";
import { Canvas } from "./canvas/Canvas";
import { DemoBanner } from "./engine/DemoBanner";
import { EngineModeStatus } from "./engine/EngineModeStatus";
import { startEngineStatus } from "./engine/engineStore";
import { FlowHeader } from "./flows/FlowHeader";
import { FlowsSidebar } from "./flows/FlowsSidebar";
import { Inspector } from "./inspector/Inspector";
import { ipc, insideTauri, type AppInfo } from "./ipc/client";
import { RunControls } from "./runs/RunControls";
import { RunPanel } from "./runs/RunPanel";
import { SettingsButton } from "./settings/SettingsDialog";
import { startAutosave, useFlowSession } from "./state/flowSession";

type InfoState = { status: "loading" } | { status: "ready"; info: AppInfo } | { status: "error"; message: string };

export function App() {
  const [info, setInfo] = useState<InfoState>({ status: "loading" });

  useEffect(() => {
    if (!insideTauri()) return;
    const stop = startAutosave();
    const stopEngine = startEngineStatus();
    void useFlowSession.getState().openInitial();
    return () => {
      stop();
      stopEngine();
    };
  }, []);

  useEffect(() => {
    if (!insideTauri()) {
      setInfo({ status: "error", message: "not running inside the Flowguard app" });
      return;
    }
    let cancelled = false;
    ipc
      .appInfo()
      .then((value) => !cancelled && setInfo({ status: "ready", info: value }))
      .catch((error: unknown) => !cancelled && setInfo({ status: "error", message: String(error) }));
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <div className="app">
      <header className="toolbar" role="banner">
        <span className="brand">Flowguard</span>
        <FlowHeader />
        <RunControls />
        {insideTauri() && <SettingsButton />}
      </header>
      <DemoBanner />
      <Canvas sidebar={insideTauri() ? <FlowsSidebar /> : undefined} inspector={<Inspector />} />
      <RunPanel />
      <footer className="status-bar" data-testid="status-bar">
        {info.status === "loading" && <span>Starting…</span>}
        {info.status === "ready" && (
          <>
            <span data-testid="app-version">Flowguard {info.info.version}</span>
            <span className="status-separator">·</span>
            <span data-testid="database-path" title={info.info.databasePath}>
              Database: {info.info.databasePath}
            </span>
          </>
        )}
        {info.status === "error" && <span className="status-error">{info.message}</span>}
        <EngineModeStatus />
      </footer>
    </div>
  );
}
