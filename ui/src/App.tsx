import { useEffect, useState } from "react";
import { Canvas } from "./canvas/Canvas";
import { ActivityButton } from "./activity/ActivityButton";
import { startActivity } from "./activity/activityStore";
import { DemoBanner } from "./engine/DemoBanner";
import { EngineModeStatus } from "./engine/EngineModeStatus";
import { startEngineStatus } from "./engine/engineStore";
import { EnableDialog } from "./flows/EnableDialog";
import { FlowHeader } from "./flows/FlowHeader";
import { FlowsSidebar } from "./flows/FlowsSidebar";
import { PublishDialog } from "./flows/PublishDialog";
import { useGalleryStore } from "./gallery/galleryStore";
import { FirstStartGallery, GalleryDialog } from "./gallery/TemplateGallery";
import { HelpMenu, Tour } from "./gallery/Tour";
import { Inspector } from "./inspector/Inspector";
import { ipc, insideTauri, type AppInfo } from "./ipc/client";
import { RunControls } from "./runs/RunControls";
import { RunPanel } from "./runs/RunPanel";
import { SettingsButton } from "./settings/SettingsDialog";
import { startAutosave, useFlowSession } from "./state/flowSession";

type InfoState = { status: "loading" } | { status: "ready"; info: AppInfo } | { status: "error"; message: string };

/**
 * Opens the first flow; with none (a first start) opens nothing, so the template gallery shows,
 * and offers the tour. Returns whether the flows were listed.
 */
export async function openFirstFlow(): Promise<void> {
  const session = useFlowSession.getState();
  await session.refresh();
  const first = useFlowSession.getState().flows[0];
  if (first) await session.open(first.id);
  else useGalleryStore.getState().offerTour();
}

export function App() {
  const [info, setInfo] = useState<InfoState>({ status: "loading" });
  const [listed, setListed] = useState(false);
  const noFlows = useFlowSession((state) => state.flows.length === 0 && state.flow === null);

  useEffect(() => {
    if (!insideTauri()) return;
    const stop = startAutosave();
    const stopEngine = startEngineStatus();
    const stopActivity = startActivity();
    void openFirstFlow().then(() => setListed(true));
    return () => {
      stop();
      stopEngine();
      stopActivity();
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
        {insideTauri() && <ActivityButton />}
        <HelpMenu />
        {insideTauri() && <SettingsButton />}
      </header>
      <DemoBanner />
      <Canvas sidebar={insideTauri() ? <FlowsSidebar /> : undefined} inspector={<Inspector />} />
      {listed && noFlows && <FirstStartGallery />}
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
      <GalleryDialog />
      <EnableDialog />
      <PublishDialog />
      <Tour />
    </div>
  );
}
