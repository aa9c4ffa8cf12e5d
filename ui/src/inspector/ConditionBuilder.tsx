import { useState } from "react";
import type { Flow } from "../ipc/client";
import { DynamicContentPicker } from "./DynamicContentPicker";
import { OPERATORS, parseExpression, toExpression, type BuilderOperator, type ConditionRule } from "./condition";

interface ConditionBuilderProps {
  nodeId: string;
  expression: string;
  onChange: (expression: string) => void;
  flow: () => Flow;
  /** The id of the raw expression field, so the problems list can focus it. */
  fieldId: string;
}

/** Left operand (with the picker), operator, right operand; or the raw expression. */
export function ConditionBuilder({ nodeId, expression, onChange, flow, fieldId }: ConditionBuilderProps) {
  const parsed = parseExpression(expression);
  const [raw, setRaw] = useState(parsed === null && expression.trim() !== "");
  const [rule, setRule] = useState<ConditionRule>(parsed ?? { left: "", operator: "==", right: "" });
  const current = parseExpression(expression) ?? rule;

  const update = (patch: Partial<ConditionRule>) => {
    const next = { ...current, ...patch };
    setRule(next);
    onChange(next.left.trim() === "" ? "" : toExpression(next));
  };

  return (
    <div className="condition-builder" data-testid="condition-builder">
      <div className="condition-mode">
        <label>
          <input type="checkbox" checked={raw} onChange={(event) => setRaw(event.target.checked)} data-testid="condition-raw-toggle" />
          Edit the expression
        </label>
      </div>
      {raw ? (
        <textarea
          id={fieldId}
          className="field-input mono"
          aria-label="Condition expression"
          rows={3}
          value={expression}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <div className="condition-row">
          <div className="operand-with-picker">
            <input
              id={fieldId}
              className="field-input mono"
              aria-label="Left operand"
              placeholder="Pick a value →"
              value={current.left}
              onChange={(event) => update({ left: event.target.value })}
            />
            <DynamicContentPicker flow={flow} nodeId={nodeId} fieldLabel="the left operand" buttonText="⚡" onPick={(output) => update({ left: output.reference })} />
          </div>
          <select className="field-input" aria-label="Operator" value={current.operator} onChange={(event) => update({ operator: event.target.value as BuilderOperator })}>
            {OPERATORS.map((operator) => (
              <option key={operator.value} value={operator.value}>
                {operator.label}
              </option>
            ))}
          </select>
          <input className="field-input" aria-label="Right operand" placeholder="Value, e.g. High" value={current.right} onChange={(event) => update({ right: event.target.value })} />
          <code className="expression-preview" aria-label="Expression">
            {expression || "—"}
          </code>
        </div>
      )}
    </div>
  );
}
