import { useEffect, useState, type ReactNode } from "react";
import { errorText } from "../ipc/client";
import "../engine/engine.css";

/** The ids a control's aria-describedby lists: its help and its problem, when shown. */
export function describedBy(id: string, help: ReactNode | undefined, problem: string | undefined): string | undefined {
  const ids = [help ? `${id}-help` : null, problem ? `${id}-problem` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  problem?: string;
  help?: ReactNode;
  type?: "text" | "password" | "number" | "email" | "url";
  placeholder?: string;
  autoComplete?: string;
  required?: boolean;
  testId?: string;
  mono?: boolean;
}

/** A labelled input with its help and its problem (shown next to it). */
export function TextField({ id, label, value, onChange, onBlur, problem, help, type = "text", placeholder, autoComplete = "off", required, testId, mono }: TextFieldProps) {
  return (
    <div className={`field${problem ? " has-problem" : ""}`}>
      <label className="field-label" htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true" title="Required">
            *
          </span>
        )}
      </label>
      <input
        id={id}
        className={`field-input${mono ? " mono" : ""}`}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={false}
        aria-required={required || undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy(id, help, problem)}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      {help && (
        <p className="field-help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {problem && (
        <p className="field-problem" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

export type Outcome = { ok: boolean; text: string } | null;

/** A command's result next to its buttons: green when it worked, red when not. */
export function OutcomeText({ outcome, testId }: { outcome: Outcome; testId?: string }) {
  if (!outcome) return null;
  return (
    <p className={`settings-outcome ${outcome.ok ? "check-ok" : "check-fail"}`} role={outcome.ok ? "status" : "alert"} data-testid={testId}>
      <span aria-hidden="true">{outcome.ok ? "✓ " : "✕ "}</span>
      {outcome.text}
    </p>
  );
}

/** A settings command run from a button: `busy` while it runs, then its outcome (the error's text
 * when it throws; `work` returns null when success needs no message). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const perform = async (work: () => Promise<Outcome>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (error) {
      setOutcome({ ok: false, text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, setOutcome, perform };
}

/** Tells the dialog whether a form holds typed values not yet saved (so Close can ask first). */
export function useReportDirty(key: string, dirty: boolean, onDirty: ((key: string, dirty: boolean) => void) | undefined): void {
  useEffect(() => {
    onDirty?.(key, dirty);
  }, [key, dirty, onDirty]);
  useEffect(() => () => onDirty?.(key, false), [key, onDirty]);
}
