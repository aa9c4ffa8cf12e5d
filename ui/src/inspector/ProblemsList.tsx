import { useEditorStore } from "../state/editorStore";
import { TRIGGER_ID } from "../state/flowDocument";

/** Every diagnostic of the flow; clicking one selects its node and focuses its field. */
export function ProblemsList() {
  const diagnostics = useEditorStore((state) => state.diagnostics);
  const doc = useEditorStore((state) => state.doc);
  const focusField = useEditorStore((state) => state.focusField);
  const titleOf = (id: string) => (id === TRIGGER_ID ? doc.trigger?.title : doc.steps.find((step) => step.id === id)?.title) ?? id;
  return (
    <section className="problems" aria-label="Problems" data-testid="problems-list">
      <h2 className="panel-title">
        Problems <span className="problems-count">{diagnostics.length}</span>
      </h2>
      {diagnostics.length === 0 ? (
        <p className="menu-note">No problems.</p>
      ) : (
        <ul>
          {diagnostics.map((diagnostic, index) => {
            const nodeId = diagnostic.nodeId;
            const text = (
              <>
                <span className={`problem-dot problem-${diagnostic.severity}`} aria-label={diagnostic.severity} />
                {nodeId && <strong>{titleOf(nodeId)}: </strong>}
                {diagnostic.message}
              </>
            );
            return (
              <li key={index}>
                {nodeId && (nodeId === TRIGGER_ID ? doc.trigger : doc.steps.some((s) => s.id === nodeId)) ? (
                  <button type="button" className="problem-item" onClick={() => focusField(nodeId, diagnostic.field)}>
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
