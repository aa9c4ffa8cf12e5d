import type { Edge } from "../ipc/bindings/Edge";
import type { InputChange } from "../ipc/bindings/InputChange";
import type { Flow, FlowDiff } from "../ipc/client";
import { findKindSpec } from "../state/kindsStore";
import "./versions.css";

/** A value as a diff shows it: text as is, lists joined, nothing as "(empty)". */
export function diffValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : value.map((item) => diffValue(item)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

type Documents = readonly (Pick<Flow, "trigger" | "steps"> | null | undefined)[];

/** A node's title in either version (the diff's own names first), else its id. */
function titles(diff: FlowDiff, documents: Documents): (id: string) => string {
  const known = new Map<string, string>();
  for (const doc of documents) {
    if (!doc) continue;
    if (doc.trigger) known.set("trigger", doc.trigger.title || "Trigger");
    for (const step of doc.steps) known.set(step.id, step.title || step.id);
  }
  for (const step of [...diff.stepsAdded, ...diff.stepsRemoved, ...diff.stepsChanged]) known.set(step.id, step.title || step.id);
  return (id) => known.get(id) ?? (id === "trigger" ? "Trigger" : id);
}

function kindOf(id: string, documents: Documents): string | undefined {
  for (const doc of documents) {
    const step = doc?.steps.find((entry) => entry.id === id);
    if (step) return step.kind;
  }
  return undefined;
}

function inputLabel(kind: string | undefined, name: string): string {
  return (kind && findKindSpec(kind)?.inputs.find((field) => field.name === name)?.label) || name;
}

function portText(port: string | null | undefined, kind: string | undefined): string {
  if (!port) return "";
  const spec = kind ? findKindSpec(kind) : undefined;
  const index = spec?.ports.indexOf(port) ?? -1;
  const label = index >= 0 ? spec?.portLabels?.[index] : undefined;
  return ` (${label ?? (port === "true" ? "Yes" : port === "false" ? "No" : port)})`;
}

function Inputs({ changes, kind }: { changes: InputChange[]; kind: string | undefined }) {
  if (changes.length === 0) return null;
  return (
    <ul className="diff-inputs">
      {changes.map((change) => (
        <li key={change.name} data-testid="diff-input">
          <span className="diff-input-name">{inputLabel(kind, change.name)}:</span> <del className="diff-before">{diffValue(change.before)}</del>
          <span> → </span>
          <ins className="diff-after">{diffValue(change.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

function EdgeLine({ edge, title, documents }: { edge: Edge; title: (id: string) => string; documents: Documents }) {
  return (
    <>
      “{title(edge.from)}”{portText(edge.port, kindOf(edge.from, documents))} → “{title(edge.to)}”
    </>
  );
}

/**
 * What changed between two versions, in words: the name, the trigger, steps added, removed and
 * changed (each changed input with its old and new value) and connections added or removed.
 * `documents` (the two versions, when known) give the steps' titles and the inputs' labels.
 */
export function FlowDiffView({ diff, documents = [] }: { diff: FlowDiff; documents?: Documents }) {
  const title = titles(diff, documents);
  const empty =
    !diff.name &&
    !diff.description &&
    !diff.trigger &&
    diff.stepsAdded.length + diff.stepsRemoved.length + diff.stepsChanged.length + diff.edgesAdded.length + diff.edgesRemoved.length === 0;
  if (empty) {
    return (
      <p className="diff-empty" data-testid="diff-empty">
        {diff.layoutChanged ? "Only node positions moved: what a run does is the same." : "No changes."}
      </p>
    );
  }
  const triggerKind = documents.find((doc) => doc?.trigger)?.trigger?.kind;
  return (
    <ul className="diff" aria-label="Changes" data-testid="flow-diff">
      {diff.name && (
        <li className="diff-changed" data-testid="diff-name">
          <span className="diff-mark" aria-hidden="true">~</span> Name: <del className="diff-before">{diff.name.before}</del> → <ins className="diff-after">{diff.name.after}</ins>
        </li>
      )}
      {diff.description && (
        <li className="diff-changed">
          <span className="diff-mark" aria-hidden="true">~</span> Description changed
        </li>
      )}
      {diff.trigger && (
        <li className="diff-changed" data-testid="diff-trigger">
          <span className="diff-mark" aria-hidden="true">~</span> Trigger{" "}
          {diff.trigger.kind ? (
            <>
              kind: <del className="diff-before">{diff.trigger.kind.before || "(none)"}</del> → <ins className="diff-after">{diff.trigger.kind.after || "(none)"}</ins>
            </>
          ) : (
            `“${title("trigger")}” changed`
          )}
          {diff.trigger.title && (
            <>
              {" "}
              · title <del className="diff-before">{diff.trigger.title.before}</del> → <ins className="diff-after">{diff.trigger.title.after}</ins>
            </>
          )}
          <Inputs changes={diff.trigger.inputs} kind={diff.trigger.kind?.after ?? triggerKind} />
        </li>
      )}
      {diff.stepsAdded.map((step) => (
        <li key={`added-${step.id}`} className="diff-added" data-testid="diff-step-added">
          <span className="diff-mark" aria-hidden="true">+</span> Added step “{step.title}” ({findKindSpec(step.kind)?.title ?? step.kind})
        </li>
      ))}
      {diff.stepsRemoved.map((step) => (
        <li key={`removed-${step.id}`} className="diff-removed" data-testid="diff-step-removed">
          <span className="diff-mark" aria-hidden="true">−</span> Removed step “{step.title}” ({findKindSpec(step.kind)?.title ?? step.kind})
        </li>
      ))}
      {diff.stepsChanged.map((step) => (
        <li key={`changed-${step.id}`} className="diff-changed" data-testid="diff-step-changed">
          <span className="diff-mark" aria-hidden="true">~</span> Changed step “{step.title}”
          {step.titleChange && (
            <>
              {" "}
              · renamed from <del className="diff-before">{step.titleChange.before}</del>
            </>
          )}
          {step.kind && (
            <>
              {" "}
              · kind <del className="diff-before">{step.kind.before}</del> → <ins className="diff-after">{step.kind.after}</ins>
            </>
          )}
          <Inputs changes={step.inputs} kind={step.kind?.after ?? kindOf(step.id, documents)} />
        </li>
      ))}
      {diff.edgesAdded.map((edge, index) => (
        <li key={`edge-added-${index}`} className="diff-added" data-testid="diff-edge-added">
          <span className="diff-mark" aria-hidden="true">+</span> Connected <EdgeLine edge={edge} title={title} documents={documents} />
        </li>
      ))}
      {diff.edgesRemoved.map((edge, index) => (
        <li key={`edge-removed-${index}`} className="diff-removed" data-testid="diff-edge-removed">
          <span className="diff-mark" aria-hidden="true">−</span> Disconnected <EdgeLine edge={edge} title={title} documents={documents} />
        </li>
      ))}
      {diff.layoutChanged && <li className="diff-note">Node positions moved too.</li>}
    </ul>
  );
}
