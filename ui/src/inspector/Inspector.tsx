import { useCallback, useEffect, useRef, type RefObject } from "react";
import type { Flow, NodeKindSpec } from "../ipc/client";
import type { FieldSchema } from "../ipc/bindings/FieldSchema";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import { useEditorStore } from "../state/editorStore";
import { flowWithDocument, TRIGGER_ID, type FlowDocument } from "../state/flowDocument";
import { useFlowSession } from "../state/flowSession";
import { useKindsStore } from "../state/kindsStore";
import { ConditionBuilder } from "./ConditionBuilder";
import { DynamicContentPicker } from "./DynamicContentPicker";
import { EmailPreviewPanel } from "./EmailPreview";
import { ProblemsList } from "./ProblemsList";
import { asText, isMultiline, panelProblems } from "./panelChecks";
import { cronReading } from "./cronReading";
import "./inspector.css";

/** The DOM id of a node's field, so the problems list can focus it. */
export function fieldDomId(nodeId: string, field: string): string {
  return `field-${nodeId}-${field}`;
}

const HELP: Partial<Record<FieldSchema["type"], string>> = {
  cron: "Cron with seconds: sec min hour day month weekday, e.g. 0 0 8 * * Mon-Fri.",
  timezone: "An IANA time zone such as Europe/Paris or UTC: type to search the list.",
  email_list: "Addresses separated by commas.",
};

/**
 * Labels for enum values that are identifiers rather than words, per field name and keyed by the
 * value (the spec's FieldSchema has no labels). A value without one is shown as it is.
 */
export const ENUM_LABELS: Record<string, Record<string, string>> = {
  missedTicks: { run_once: "Run once when Flowguard starts", skip: "Skip" },
};

export function enumLabel(field: string, value: string): string {
  return ENUM_LABELS[field]?.[value] ?? value;
}

/** Every IANA time zone this webview knows (UTC first), for the time zone field's searchable list. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: "timeZone") => string[] };
  const known = typeof intl.supportedValuesOf === "function" ? intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((zone) => zone !== "UTC")];
}

/** The flow as it would be saved now: the open flow's id and name with the editor's document. */
function currentFlow(doc: FlowDocument): Flow {
  const flow = useFlowSession.getState().flow;
  const base: Flow = flow ?? { schema: 1, id: "draft", name: "", description: "", enabled: false, trigger: null, steps: [], edges: [], layout: {} };
  return flowWithDocument(base, doc);
}

/** A range of a field's text: where the cursor was, or what was selected. */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * Where an inserted reference goes: over the selection, or at the cursor, of a field the user has
 * been in; over the whole value of a field still holding its untouched pre-filled default (or
 * nothing); at the end otherwise. Returns the new value and where the cursor goes after it.
 */
export function insertReference(value: string, text: string, range: TextRange | null, untouchedDefault: boolean): { value: string; cursor: number } {
  const whole = untouchedDefault || value.trim() === "";
  const start = whole ? 0 : Math.min(range?.start ?? value.length, value.length);
  const end = whole ? value.length : Math.min(Math.max(range?.end ?? value.length, start), value.length);
  return { value: value.slice(0, start) + text + value.slice(end), cursor: start + text.length };
}

interface FieldProps {
  nodeId: string;
  field: FieldSchema;
  value: JsonValue | undefined;
  onChange: (value: JsonValue | undefined) => void;
  flow: () => Flow;
}

function FieldControl({ nodeId, field, value, onChange, flow }: FieldProps) {
  const id = fieldDomId(nodeId, field.name);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  // The last cursor or selection in the field, kept when focus moves to the picker; null until
  // the user has been in the field (then a pre-filled default is replaced whole).
  const range = useRef<TextRange | null>(null);
  const remember = () => {
    const element = ref.current;
    if (element && element.selectionStart !== null) range.current = { start: element.selectionStart, end: element.selectionEnd ?? element.selectionStart };
  };
  const track = { onSelect: remember, onKeyUp: remember, onClick: remember, onBlur: remember };
  const describedBy = field.help || HELP[field.type] ? `${id}-help` : undefined;
  const common = { id, "aria-describedby": describedBy, "aria-required": field.required || undefined, className: "field-input" };

  switch (field.type) {
    case "enum":
      return (
        <select {...common} value={asText(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}>
          {(!field.required || value === undefined) && <option value="">— choose —</option>}
          {field.enumValues.map((option) => (
            <option key={option} value={option}>
              {enumLabel(field.name, option)}
            </option>
          ))}
        </select>
      );
    case "cron": {
      const reading = cronReading(asText(value));
      return (
        <div className="field-with-reading">
          <input {...common} className="field-input mono" value={asText(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)} />
          {reading && (
            <span className="field-reading" data-testid={`${id}-reading`} aria-live="polite">
              {reading}
            </span>
          )}
        </div>
      );
    }
    case "timezone": {
      // A searchable list (type to filter) of the known zones; the engine still checks the value.
      const zones = timeZones();
      return (
        <>
          <input {...common} list={`${id}-zones`} autoComplete="off" spellCheck={false} value={asText(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)} />
          <datalist id={`${id}-zones`} data-testid={`${id}-zones`}>
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </>
      );
    }
    case "number":
      return (
        <input
          {...common}
          type="number"
          min={field.minimum}
          value={typeof value === "number" ? value : asText(value)}
          onChange={(event) => onChange(event.target.value === "" ? undefined : Number(event.target.value))}
        />
      );
    case "bool":
      return <input {...common} className="field-checkbox" type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />;
    case "template":
    case "expression": {
      const text = asText(value);
      const multiline = isMultiline(field);
      const pick = (reference: string) => {
        const untouched = range.current === null && text === asText(field.default);
        const next = insertReference(text, field.type === "template" ? `{{ ${reference} }}` : reference, range.current, untouched);
        onChange(next.value);
        range.current = { start: next.cursor, end: next.cursor };
        // Back to the field, the cursor after what was inserted, once React has written the value.
        window.setTimeout(() => {
          const element = ref.current;
          if (!element) return;
          element.focus();
          element.setSelectionRange(next.cursor, next.cursor);
        }, 0);
      };
      return (
        <div className="field-with-picker">
          {multiline ? (
            <textarea {...common} {...track} ref={ref} rows={4} value={text} onChange={(event) => onChange(event.target.value)} />
          ) : (
            <input {...common} {...track} ref={ref} className="field-input mono" value={text} onChange={(event) => onChange(event.target.value)} />
          )}
          <DynamicContentPicker flow={flow} nodeId={nodeId} fieldLabel={field.label} onPick={(output) => pick(output.reference)} />
        </div>
      );
    }
    default:
      return <input {...common} value={asText(value)} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)} />;
  }
}

function NodeForm({ nodeId, spec, inputs, flow }: { nodeId: string; spec: NodeKindSpec; inputs: Record<string, JsonValue>; flow: () => Flow }) {
  const updateNodeInputs = useEditorStore((state) => state.updateNodeInputs);
  const diagnostics = useEditorStore((state) => state.diagnostics);
  return (
    <form className="inspector-form" onSubmit={(event) => event.preventDefault()} aria-label={`${spec.title} settings`}>
      {spec.inputs.length === 0 && <p className="menu-note">This step has nothing to configure.</p>}
      {spec.inputs.map((field) => {
        const problems = [
          ...diagnostics.filter((d) => d.nodeId === nodeId && d.field === field.name),
          ...panelProblems(spec, inputs).filter((problem) => problem.field === field.name),
        ];
        const id = fieldDomId(nodeId, field.name);
        const help = field.help || HELP[field.type];
        const onChange = (value: JsonValue | undefined) => updateNodeInputs(nodeId, { [field.name]: value });
        // An expression field (a condition's test) is written with the condition builder.
        if (field.type === "expression") {
          return (
            <div key={field.name} className={`field${problems.length ? " has-problem" : ""}`} data-testid={`field-${field.name}`}>
              <span className="field-label">
                {field.label}
                {field.required && <span className="required" aria-label="required">*</span>}
              </span>
              <ConditionBuilder nodeId={nodeId} expression={asText(inputs[field.name])} onChange={(text) => onChange(text)} flow={flow} fieldId={id} />
              {help && <p className="field-help" id={`${id}-help`}>{help}</p>}
              {problems.map((problem, index) => (
                <p key={index} className="field-problem">
                  {problem.message}
                </p>
              ))}
            </div>
          );
        }
        return (
          <div key={field.name} className={`field${field.type === "bool" ? " field-bool" : ""}${problems.length ? " has-problem" : ""}`} data-testid={`field-${field.name}`}>
            <label className="field-label" htmlFor={id}>
              {field.label}
              {field.required && (
                <span className="required" aria-label="required" title="Required">
                  *
                </span>
              )}
            </label>
            <FieldControl nodeId={nodeId} field={field} value={inputs[field.name]} onChange={onChange} flow={flow} />
            {help && (
              <p className="field-help" id={`${id}-help`}>
                {help}
              </p>
            )}
            {problems.map((problem, index) => (
              <p key={index} className="field-problem">
                {problem.message}
              </p>
            ))}
          </div>
        );
      })}
    </form>
  );
}

function TriggerKindSelect({ current, kinds }: { current: string; kinds: readonly NodeKindSpec[] }) {
  const setTriggerKind = useEditorStore((state) => state.setTriggerKind);
  const triggers = kinds.filter((kind) => kind.category === "trigger");
  if (triggers.length === 0) return null;
  return (
    <div className="field trigger-kind">
      <label className="field-label" htmlFor="trigger-kind">
        Starts when
      </label>
      <select
        id="trigger-kind"
        className="field-input"
        data-testid="trigger-kind"
        value={current}
        onChange={(event) => {
          const spec = triggers.find((kind) => kind.kind === event.target.value);
          setTriggerKind(event.target.value, spec?.title);
        }}
      >
        {triggers.map((kind) => (
          <option key={kind.kind} value={kind.kind}>
            {kind.title}
          </option>
        ))}
      </select>
    </div>
  );
}

function useFieldFocus(container: RefObject<HTMLElement | null>) {
  const fieldFocus = useEditorStore((state) => state.fieldFocus);
  useEffect(() => {
    if (!fieldFocus) return;
    // Wait for the node's form to render.
    const timer = window.setTimeout(() => {
      const target =
        (fieldFocus.field && document.getElementById(fieldDomId(fieldFocus.nodeId, fieldFocus.field))) ||
        container.current?.querySelector<HTMLElement>("input, select, textarea");
      target?.focus();
    }, 0);
    return () => window.clearTimeout(timer);
  }, [fieldFocus, container]);
}

/** The side panel: the selected node's form (from its kind's schema) and the flow's problems. */
export function Inspector() {
  const doc = useEditorStore((state) => state.doc);
  const selected = useEditorStore((state) => state.selectedNodeIds);
  const kinds = useKindsStore((state) => state.kinds);
  const status = useKindsStore((state) => state.status);
  const load = useKindsStore((state) => state.load);
  const container = useRef<HTMLElement>(null);
  useEffect(() => {
    void load();
  }, [load]);
  useFieldFocus(container);
  const flow = useCallback(() => currentFlow(useEditorStore.getState().doc), []);

  const [nodeId] = selected.size === 1 ? [...selected] : [];
  const node = nodeId === TRIGGER_ID ? doc.trigger : doc.steps.find((step) => step.id === nodeId);
  const spec = node ? kinds.find((candidate) => candidate.kind === node.kind) : undefined;

  return (
    <aside ref={container} className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="inspector-body">
        {!node && <p className="inspector-empty">{selected.size > 1 ? `${selected.size} nodes selected.` : "Select a node to configure it."}</p>}
        {node && nodeId && (
          <>
            <header className="inspector-header">
              <h2 className="inspector-title">{node.title}</h2>
              <p className="inspector-kind">
                {spec?.title ?? node.kind}
                {spec?.changesTenant && <span className="shield"> ⚠ changes the tenant</span>}
              </p>
              {spec?.description && <p className="field-help">{spec.description}</p>}
            </header>
            {nodeId === TRIGGER_ID && <TriggerKindSelect current={node.kind} kinds={kinds} />}
            {spec ? (
              <NodeForm key={nodeId} nodeId={nodeId} spec={spec} inputs={node.inputs} flow={flow} />
            ) : (
              <p className="menu-note">{status === "error" ? "The node kinds could not be loaded." : status === "ready" ? `Unknown kind ${node.kind}.` : "Loading…"}</p>
            )}
            {spec?.preview === "email" && <EmailPreviewPanel key={`preview-${nodeId}`} nodeId={nodeId} flow={flow} />}
          </>
        )}
      </div>
      <ProblemsList />
    </aside>
  );
}
