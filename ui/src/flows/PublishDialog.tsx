import { useEffect, useState } from "react";
import { errorText, ipc, type Flow, type StoredFlowView, type VersionDiff } from "../ipc/client";
import type { Diagnostic } from "../ipc/bindings/Diagnostic";
import { useFlowSession } from "../state/flowSession";
import { findKindSpec } from "../state/kindsStore";
import { FlowDiffView } from "./FlowDiffView";
import { useFlowDialogs } from "./flowDialogs";
import { Modal } from "./Modal";

type Loaded = { draft: StoredFlowView; diff: VersionDiff | null; published: Flow | null };

/** The problems that block publishing and switching on (errors, not warnings), in plain words. */
export function blockingProblems(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((problem) => problem.severity === "error").map((problem) => problem.sentence || problem.message);
}

/** Loads what the Publish dialog shows: the draft (saved first), its problems, the diff from the published version. */
async function loadPublish(flowId: string): Promise<Loaded> {
  const session = useFlowSession.getState();
  if (session.flow?.id === flowId && session.saveStatus !== "saved") await session.saveNow();
  const after = useFlowSession.getState();
  if (after.flow?.id === flowId && after.saveStatus === "error") throw new Error(`The draft could not be saved: ${after.saveError ?? "unknown error"}`);
  const draft = await ipc.getFlow(flowId);
  if (draft.publishedVersion === null) return { draft, diff: null, published: null };
  const [diff, published] = await Promise.all([ipc.diffFlowVersions(flowId, draft.publishedVersion, draft.draftVersion), ipc.getFlowVersion(flowId, draft.publishedVersion)]);
  return { draft, diff, published: published.flow };
}

/** A first publish: the whole flow as it will run. */
function WholeFlow({ flow }: { flow: Flow }) {
  return (
    <ul className="diff" aria-label="The flow as it will run" data-testid="publish-whole-flow">
      {flow.trigger && (
        <li className="diff-added">
          <span className="diff-mark" aria-hidden="true">+</span> Trigger “{flow.trigger.title}”
        </li>
      )}
      {flow.steps.map((step) => (
        <li key={step.id} className="diff-added" data-testid="diff-step-added">
          <span className="diff-mark" aria-hidden="true">+</span> Step “{step.title}” ({findKindSpec(step.kind)?.title ?? step.kind})
          {findKindSpec(step.kind)?.changesTenant && <span className="diff-warning"> — changes the tenant</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * Publish: what changes between the published version and the draft, then Publish makes the
 * draft the version background runs use. Refused, with the problems listed, while the draft has errors.
 */
export function PublishDialog() {
  const flowId = useFlowDialogs((state) => state.publishing);
  if (!flowId) return null;
  return <PublishDialogBody key={flowId} flowId={flowId} />;
}

function PublishDialogBody({ flowId }: { flowId: string }) {
  const close = useFlowDialogs((state) => state.close);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadPublish(flowId)
      .then((value) => !cancelled && setLoaded(value))
      .catch((reason: unknown) => !cancelled && setError(errorText(reason)));
    return () => {
      cancelled = true;
    };
  }, [flowId]);

  const problems = loaded ? blockingProblems(loaded.draft.diagnostics) : [];
  const nothingNew = loaded !== null && loaded.draft.publishedVersion !== null && !loaded.draft.hasUnpublishedChanges;
  const name = loaded?.draft.flow.name ?? useFlowSession.getState().flows.find((entry) => entry.id === flowId)?.name ?? flowId;

  const publish = async () => {
    if (!loaded) return;
    setBusy(true);
    setError(null);
    try {
      const result = await ipc.publishFlow(flowId);
      await useFlowSession.getState().refresh();
      const enabled = loaded.draft.enabled;
      useFlowDialogs
        .getState()
        .setNotice(`Published v${result.publishedVersion} of “${name}”.${enabled ? " Its background runs use it from now on." : " It runs by itself once you switch it on."}`);
      close();
    } catch (reason) {
      setError(errorText(reason));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Publish “${name}”`} onClose={close} testId="publish-dialog" className="publish-dialog">
      {!loaded && !error && (
        <p className="run-note" role="status">
          Comparing the draft with the published version…
        </p>
      )}
      {loaded && (
        <>
          <p className="dialog-lead">
            {loaded.draft.publishedVersion === null
              ? `Nothing of this flow is published yet. Publishing makes draft v${loaded.draft.draftVersion} the version its background runs use.`
              : nothingNew
                ? `The draft is the published version (v${loaded.draft.publishedVersion}): there is nothing new to publish.`
                : `Published v${loaded.draft.publishedVersion} → draft v${loaded.draft.draftVersion}. ${loaded.draft.enabled ? "The flow is on: its background runs use the new version as soon as you publish." : "The flow is off: publishing changes nothing until you switch it on."}`}
          </p>
          {loaded.diff ? <FlowDiffView diff={loaded.diff.diff} documents={[loaded.published, loaded.draft.flow]} /> : loaded.draft.publishedVersion === null && <WholeFlow flow={loaded.draft.flow} />}
          {problems.length > 0 && (
            <div className="dialog-problems" role="alert" data-testid="publish-problems">
              <p>
                The draft cannot be published while it has {problems.length === 1 ? "this problem" : `these ${problems.length} problems`} (the published version keeps running
                meanwhile):
              </p>
              <ul>
                {problems.map((problem, index) => (
                  <li key={index}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      {error && (
        <p className="run-note run-note-error" role="alert" data-testid="publish-error">
          {error}
        </p>
      )}
      <div className="run-dialog-actions">
        <button type="button" className="plain-button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="run-confirm" data-testid="publish-confirm" disabled={!loaded || busy || problems.length > 0 || nothingNew} onClick={() => void publish()}>
          {busy ? "Publishing…" : loaded ? `Publish v${loaded.draft.draftVersion}` : "Publish"}
        </button>
      </div>
    </Modal>
  );
}
