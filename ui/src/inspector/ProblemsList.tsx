import type { Diagnostic } from "../ipc/bindings/Diagnostic";
import { useEditorStore } from "../state/editorStore";
import { TRIGGER_ID, titleOfNode, type FlowDocument } from "../state/flowDocument";
import { useKindsStore } from "../state/kindsStore";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import { panelProblems } from "./panelChecks";

/** One line of the list: where it is (node, field), how bad, and the sentence a person reads. */
export interface ProblemLine {
  nodeId: string | null;
  field: string | null;
  severity: Diagnostic["severity"];
  sentence: string;
}

/**
 * A diagnostic in plain words naming its step by title: the Rust side's `sentence` when it sends
 * one, else the step's title and the message.
 */
export function problemSentence(diagnostic: Diagnostic, doc: FlowDocument): string {
  if (diagnostic.sentence) return diagnostic.sentence;
  return diagnostic.nodeId ? `“${titleOfNode(doc, diagnostic.nodeId)}”: ${diagnostic.message}` : diagnostic.message;
}

/** The Rust diagnostics and the panel's own checks (glued references), as lines. */
export function problemLines(diagnostics: readonly Diagnostic[], doc: FlowDocument, kinds: readonly NodeKindSpec[]): ProblemLine[] {
  const lines: ProblemLine[] = diagnostics.map((diagnostic) => ({ nodeId: diagnostic.nodeId, field: diagnostic.field, severity: diagnostic.severity, sentence: problemSentence(diagnostic, doc) }));
  const nodes = [...(doc.trigger ? [{ id: TRIGGER_ID, ...doc.trigger }] : []), ...doc.steps];
  for (const node of nodes) {
    const spec = kinds.find((candidate) => candidate.kind === node.kind);
    if (!spec) continue;
    for (const problem of panelProblems(spec, node.inputs)) {
      lines.push({ nodeId: node.id, field: problem.field, severity: "warning", sentence: `“${node.title}”: ${problem.message}` });
    }
  }
  return lines;
}

/** Every problem of the flow; clicking one selects its node and focuses its field. */
export function ProblemsList() {
  const diagnostics = useEditorStore((state) => state.diagnostics);
  const doc = useEditorStore((state) => state.doc);
  const focusField = useEditorStore((state) => state.focusField);
  const kinds = useKindsStore((state) => state.kinds);
  const lines = problemLines(diagnostics, doc, kinds);
  const exists = (id: string) => (id === TRIGGER_ID ? doc.trigger !== null : doc.steps.some((step) => step.id === id));
  return (
    <section className="problems" aria-label="Problems" data-testid="problems-list">
      <h2 className="panel-title">
        Problems <span className="problems-count">{lines.length}</span>
      </h2>
      {lines.length === 0 ? (
        <p className="menu-note">No problems.</p>
      ) : (
        <ul>
          {lines.map((line, index) => {
            const nodeId = line.nodeId;
            const text = (
              <>
                <span className={`problem-dot problem-${line.severity}`} aria-label={line.severity} />
                {line.sentence}
              </>
            );
            return (
              <li key={index}>
                {nodeId && exists(nodeId) ? (
                  <button type="button" className="problem-item" onClick={() => focusField(nodeId, line.field)}>
                    {text}
                  </button>
                ) : (
                  <span className="problem-item">{text}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
