import { useState } from "react";
import { errorText, ipc, type DefenderSettingsInput, type SettingsView } from "../ipc/client";
import type { DefenderSettings } from "../ipc/bindings/DefenderSettings";
import type { ConnectionFailure } from "../ipc/bindings/ConnectionFailure";
import type { ConnectionStep } from "../ipc/bindings/ConnectionStep";
import { useEngineStore } from "../engine/engineStore";
import { OutcomeText, TextField, describedBy, useReportDirty, type Outcome } from "./fields";
import { PermissionGuide } from "./PermissionGuide";
import { CLOUDS, defenderProblems, type DefenderForm } from "./validation";

/** The step of a failed "Test connection", as the analyst reads it. */
const STEP_LABELS: Record<ConnectionStep, string> = {
  dns: "DNS (host name)",
  connect: "Connection",
  tls: "TLS (certificate)",
  token: "Token request (Entra ID)",
  api: "API call (Defender)",
};

function failureText(failure: ConnectionFailure): string {
  const code = failure.code ? ` (${failure.code})` : "";
  return `${STEP_LABELS[failure.step]} failed${code}: ${failure.message}`;
}

function initialForm(defender: DefenderSettings | null): DefenderForm {
  return {
    tenantId: defender?.tenantId ?? "",
    clientId: defender?.clientId ?? "",
    cloud: defender?.cloud || "global",
    apiUrl: defender?.apiUrl ?? "",
    loginUrl: defender?.loginUrl ?? "",
    // The stored secret never comes back: the field always starts empty.
    secret: "",
  };
}

/** What the commands receive: an empty secret field is null (keep the stored secret). */
export function defenderInput(form: DefenderForm): DefenderSettingsInput {
  const custom = form.cloud === "custom";
  return {
    tenantId: form.tenantId.trim(),
    clientId: form.clientId.trim(),
    cloud: form.cloud,
    apiUrl: custom ? form.apiUrl.trim() : null,
    loginUrl: custom ? form.loginUrl.trim() : null,
    clientSecret: form.secret === "" ? null : form.secret,
  };
}

interface Props {
  defender: DefenderSettings | null;
  /** A command returned the new settings; `reset` when the form should start over. */
  onSettings: (view: SettingsView, reset?: boolean) => void;
  /** Whether the form holds typed values not saved yet. */
  onDirty?: (key: string, dirty: boolean) => void;
}

/** The Defender connection: tenant, app registration, cloud, secret; test, save, remove. */
export function DefenderSection({ defender, onSettings, onDirty }: Props) {
  const [form, setForm] = useState<DefenderForm>(() => initialForm(defender));
  useReportDirty("Defender connection", JSON.stringify(form) !== JSON.stringify(initialForm(defender)), onDirty);
  const [touched, setTouched] = useState<Partial<Record<keyof DefenderForm, boolean>>>({});
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState<"test" | "save" | "remove" | null>(null);
  const [testOutcome, setTestOutcome] = useState<Outcome>(null);
  const [testHint, setTestHint] = useState<string | null>(null);
  const [saveOutcome, setSaveOutcome] = useState<Outcome>(null);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const hasSecret = defender?.hasSecret ?? false;

  const problems = defenderProblems(form, hasSecret);
  const shown = (field: keyof DefenderForm) => (attempted || touched[field] ? problems[field] : undefined);
  const update = (field: keyof DefenderForm) => (value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setSaveOutcome(null);
  };
  const blur = (field: keyof DefenderForm) => () => setTouched((current) => ({ ...current, [field]: true }));
  const valid = () => {
    setAttempted(true);
    return Object.keys(problems).length === 0;
  };

  const test = async () => {
    setTestOutcome(null);
    setTestHint(null);
    if (!valid()) return;
    setBusy("test");
    try {
      const result = await ipc.testDefenderConnection(defenderInput(form));
      setTestOutcome({ ok: result.ok, text: result.failure ? failureText(result.failure) : result.message });
      setTestHint(result.failure?.hint || null);
    } catch (error) {
      setTestOutcome({ ok: false, text: errorText(error) });
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setSaveOutcome(null);
    if (!valid()) return;
    setBusy("save");
    try {
      const view = await ipc.saveDefenderSettings(defenderInput(form));
      setForm((current) => ({ ...current, secret: "" }));
      onSettings(view);
      setSaveOutcome({ ok: true, text: "Saved. The background engine now uses this tenant." });
      // The engine restarted with the new connection: the banner and status bar follow.
      void useEngineStore.getState().load();
    } catch (error) {
      setSaveOutcome({ ok: false, text: errorText(error) });
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setConfirmingRemove(false);
    setBusy("remove");
    try {
      const view = await ipc.clearDefenderSettings();
      onSettings(view, true);
      void useEngineStore.getState().load();
    } catch (error) {
      setSaveOutcome({ ok: false, text: errorText(error) });
      setBusy(null);
    }
  };

  const cloudHelp = "Where the tenant lives; Custom sets the API and sign-in URLs yourself.";
  return (
    <section className="settings-section" aria-labelledby="settings-defender-title" data-testid="settings-defender">
      <h3 id="settings-defender-title" className="settings-section-title">
        Defender connection
      </h3>
      <p className="field-help">
        An Entra app registration with application permissions, granted by an admin, lets Flowguard read alerts and act on machines.{" "}
        {defender ? "" : "None is saved: Flowguard runs in demo mode against its built-in emulator."}
      </p>
      <PermissionGuide />
      <form
        className="settings-form"
        noValidate
        aria-label="Defender connection"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField id="defender-tenant" label="Tenant id" required mono value={form.tenantId} onChange={update("tenantId")} onBlur={blur("tenantId")} problem={shown("tenantId")} placeholder="00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com" testId="defender-tenant" />
        <TextField id="defender-client" label="Client id" required mono value={form.clientId} onChange={update("clientId")} onBlur={blur("clientId")} problem={shown("clientId")} placeholder="The application (client) id" testId="defender-client" />
        <div className="field">
          <label className="field-label" htmlFor="defender-cloud">
            Cloud
          </label>
          <select id="defender-cloud" className="field-input" data-testid="defender-cloud" value={form.cloud} aria-describedby={describedBy("defender-cloud", cloudHelp, undefined)} onChange={(event) => update("cloud")(event.target.value)}>
            {CLOUDS.map((cloud) => (
              <option key={cloud.value} value={cloud.value}>
                {cloud.label}
              </option>
            ))}
          </select>
          <p className="field-help" id="defender-cloud-help">
            {cloudHelp}
          </p>
        </div>
        {form.cloud === "custom" && (
          <>
            <TextField id="defender-api-url" label="API URL" required mono value={form.apiUrl} onChange={update("apiUrl")} onBlur={blur("apiUrl")} problem={shown("apiUrl")} placeholder="https://api.security.microsoft.com" testId="defender-api-url" />
            <TextField id="defender-login-url" label="Login URL" required mono value={form.loginUrl} onChange={update("loginUrl")} onBlur={blur("loginUrl")} problem={shown("loginUrl")} placeholder="https://login.microsoftonline.com" testId="defender-login-url" />
          </>
        )}
        <TextField
          id="defender-secret"
          label="Client secret"
          type="password"
          autoComplete="new-password"
          required={!hasSecret}
          value={form.secret}
          onChange={update("secret")}
          onBlur={blur("secret")}
          problem={shown("secret")}
          placeholder={hasSecret ? "Leave empty to keep the stored secret" : "The app registration's client secret"}
          help={hasSecret ? <span data-testid="secret-stored">A secret is stored (it is never shown). Leave this empty to keep it; type a new one to replace it.</span> : "Kept in the secret store named below; it is never shown again."}
          testId="defender-secret"
        />
        <div className="settings-actions">
          <button type="button" className="plain-button" data-testid="defender-test" disabled={busy !== null} onClick={() => void test()}>
            {busy === "test" ? "Testing…" : "Test connection"}
          </button>
          <button type="submit" className="primary-button" data-testid="defender-save" disabled={busy !== null}>
            {busy === "save" ? "Saving…" : "Save"}
          </button>
          {defender && (
            <button type="button" className="plain-button danger-text" data-testid="defender-remove" disabled={busy !== null} onClick={() => setConfirmingRemove(true)}>
              Remove connection (use demo mode)
            </button>
          )}
        </div>
        {confirmingRemove && (
          <div className="confirm" role="alertdialog" aria-label="Remove the Defender connection?" data-testid="confirm-remove-defender">
            <span>Remove the Defender connection and its stored secret? Enabled flows then run against the built-in emulator.</span>
            <button type="button" className="danger-button" autoFocus data-testid="confirm-remove-defender-yes" onClick={() => void remove()}>
              Remove
            </button>
            <button type="button" className="plain-button" onClick={() => setConfirmingRemove(false)}>
              Cancel
            </button>
          </div>
        )}
        <OutcomeText outcome={testOutcome} testId="defender-test-result" />
        {testHint && (
          <p className="field-help" data-testid="defender-test-hint">
            {testHint}
          </p>
        )}
        <OutcomeText outcome={saveOutcome} testId="defender-save-result" />
      </form>
    </section>
  );
}
