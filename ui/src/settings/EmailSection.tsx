import { useState } from "react";
import { ipc, type SettingsView, type SmtpSettingsInput } from "../ipc/client";
import type { MailSettings } from "../ipc/bindings/MailSettings";
import { OutcomeText, TextField, useAction, useReportDirty } from "./fields";
import { useEngineStore } from "../engine/engineStore";
import { isEmailAddress, isSender, SMTP_SECURITY, smtpProblems, type SmtpForm } from "./validation";

function initialSmtp(mail: MailSettings): SmtpForm {
  const smtp = mail.smtp;
  return {
    host: smtp?.host ?? "",
    port: String(smtp?.port ?? 587),
    security: smtp?.security || "start_tls",
    username: smtp?.username ?? "",
    // The stored password never comes back: the field always starts empty.
    password: "",
    from: smtp?.from ?? "",
  };
}

/** What save_smtp_settings receives: an empty password is null (keep the stored one). */
export function smtpInput(form: SmtpForm): SmtpSettingsInput {
  return {
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    username: form.username.trim() === "" ? null : form.username.trim(),
    from: form.from.trim(),
    password: form.password === "" ? null : form.password,
  };
}

interface Props {
  mail: MailSettings;
  onSettings: (view: SettingsView) => void;
  /** Whether a form holds typed values not saved yet. */
  onDirty?: (key: string, dirty: boolean) => void;
}

function SmtpServerForm({ mail, onSettings, onDirty }: Props) {
  const [form, setForm] = useState<SmtpForm>(() => initialSmtp(mail));
  useReportDirty("SMTP server", JSON.stringify(form) !== JSON.stringify(initialSmtp(mail)), onDirty);
  const [touched, setTouched] = useState<Partial<Record<keyof SmtpForm, boolean>>>({});
  const [attempted, setAttempted] = useState(false);
  const { busy, outcome, setOutcome, perform } = useAction();
  const hasPassword = mail.smtp?.hasPassword ?? false;
  const problems = smtpProblems(form);
  const shown = (field: keyof SmtpForm) => (attempted || touched[field] ? problems[field] : undefined);
  const update = (field: keyof SmtpForm) => (value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setOutcome(null);
  };
  const blur = (field: keyof SmtpForm) => () => setTouched((current) => ({ ...current, [field]: true }));

  const run = (input: SmtpSettingsInput | null) =>
    perform(async () => {
      const view = await ipc.saveSmtpSettings(input);
      onSettings(view);
      if (input) setForm((current) => ({ ...current, password: "" }));
      else setForm(initialSmtp(view.mail));
      return { ok: true, text: input ? "SMTP server saved." : "SMTP server removed." };
    });

  return (
    <form
      className="settings-form"
      noValidate
      aria-label="SMTP server"
      onSubmit={(event) => {
        event.preventDefault();
        setAttempted(true);
        if (Object.keys(problems).length === 0) void run(smtpInput(form));
      }}
    >
      <h4 className="settings-subtitle">SMTP server</h4>
      <div className="settings-row">
        <TextField id="smtp-host" label="Host" required value={form.host} onChange={update("host")} onBlur={blur("host")} problem={shown("host")} placeholder="smtp.contoso.com" testId="smtp-host" />
        <TextField id="smtp-port" label="Port" type="number" required value={form.port} onChange={update("port")} onBlur={blur("port")} problem={shown("port")} testId="smtp-port" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="smtp-security">
          Security
        </label>
        <select
          id="smtp-security"
          className="field-input"
          data-testid="smtp-security"
          value={form.security}
          onChange={(event) => {
            const next = SMTP_SECURITY.find((option) => option.value === event.target.value);
            const previous = SMTP_SECURITY.find((option) => option.value === form.security);
            // Follow the usual port while the user has not chosen another one.
            setForm((current) => ({ ...current, security: event.target.value, port: next && previous && current.port === String(previous.port) ? String(next.port) : current.port }));
          }}
        >
          {SMTP_SECURITY.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="settings-row even">
        <TextField id="smtp-username" label="Username" value={form.username} onChange={update("username")} placeholder="Optional" autoComplete="off" testId="smtp-username" />
        <TextField
          id="smtp-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={update("password")}
          placeholder={hasPassword ? "Leave empty to keep the stored password" : "Optional"}
          help={hasPassword ? <span data-testid="smtp-password-stored">A password is stored (it is never shown). Leave this empty to keep it.</span> : undefined}
          testId="smtp-password"
        />
      </div>
      <TextField id="smtp-from" label="From" required value={form.from} onChange={update("from")} onBlur={blur("from")} problem={shown("from")} placeholder="Flowguard <flowguard@contoso.com>" testId="smtp-from" />
      <div className="settings-actions">
        <button type="submit" className="primary-button" data-testid="smtp-save" disabled={busy}>
          {busy ? "Saving…" : "Save SMTP"}
        </button>
        {mail.smtp && (
          <button type="button" className="plain-button danger-text" data-testid="smtp-remove" disabled={busy} onClick={() => void run(null)}>
            Remove SMTP server
          </button>
        )}
      </div>
      <OutcomeText outcome={outcome} testId="smtp-result" />
    </form>
  );
}

function GraphForm({ mail, onSettings, onDirty }: Props) {
  const [sender, setSender] = useState(mail.graphSender ?? "");
  useReportDirty("Microsoft Graph sender", sender.trim() !== (mail.graphSender ?? ""), onDirty);
  const [touched, setTouched] = useState(false);
  const { busy, outcome, setOutcome, perform } = useAction();
  const problem = sender.trim() && !isEmailAddress(sender) ? "A mailbox address, e.g. soc-automation@contoso.com." : undefined;

  const run = (value: string | null) =>
    perform(async () => {
      const view = await ipc.saveGraphSettings(value);
      onSettings(view);
      setSender(view.mail.graphSender ?? "");
      return { ok: true, text: value ? "Microsoft Graph sender saved." : "Microsoft Graph sending turned off." };
    });

  return (
    <form
      className="settings-form"
      noValidate
      aria-label="Microsoft Graph"
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (!problem) void run(sender.trim() === "" ? null : sender.trim());
      }}
    >
      <h4 className="settings-subtitle">Microsoft Graph</h4>
      <TextField
        id="graph-sender"
        label="Sender mailbox"
        value={sender}
        onChange={(value) => {
          setSender(value);
          setOutcome(null);
        }}
        onBlur={() => setTouched(true)}
        problem={touched ? problem : undefined}
        placeholder="soc-automation@contoso.com"
        help="Sends with the Defender connection's app registration, which needs the Mail.Send application permission (limit it to this mailbox with an application access policy)."
        testId="graph-sender"
      />
      <div className="settings-actions">
        <button type="submit" className="primary-button" data-testid="graph-save" disabled={busy}>
          {busy ? "Saving…" : "Save Graph sender"}
        </button>
        {mail.graphSender && (
          <button type="button" className="plain-button danger-text" data-testid="graph-remove" disabled={busy} onClick={() => void run(null)}>
            Turn off Graph sending
          </button>
        )}
      </div>
      <OutcomeText outcome={outcome} testId="graph-result" />
    </form>
  );
}

function TestEmailForm({ mail }: { mail: MailSettings }) {
  const [to, setTo] = useState("");
  const [connection, setConnection] = useState<"smtp" | "graph">(mail.smtp || !mail.graphSender ? "smtp" : "graph");
  const [touched, setTouched] = useState(false);
  const { busy, outcome, perform } = useAction();
  const problem = !to.trim() ? "Required: where to send the test email." : !isSender(to) ? "An email address." : undefined;

  const send = async () => {
    setTouched(true);
    if (problem) return;
    await perform(async () => {
      const result = await ipc.sendTestEmail(to.trim(), connection);
      // Success is said in plain words from what the user chose; the command's own line carries
      // the server's message id ("Sent to … (<id>)", "()" when the server gave none), which
      // means nothing to a person. A failure keeps the command's explanation.
      const via = connection === "smtp" ? "the SMTP server" : "Microsoft Graph";
      return result.ok ? { ok: true, text: `Test email sent to ${to.trim()} through ${via}. It should arrive within a minute.` } : { ok: false, text: result.message };
    });
  };

  return (
    <form
      className="settings-form"
      noValidate
      aria-label="Send a test email"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <h4 className="settings-subtitle">Send a test email</h4>
      <div className="settings-row">
        <TextField id="test-email-to" label="To" type="email" value={to} onChange={setTo} onBlur={() => setTouched(true)} problem={touched ? problem : undefined} placeholder="you@contoso.com" testId="test-email-to" />
        <div className="field">
          <label className="field-label" htmlFor="test-email-connection">
            Send with
          </label>
          <select id="test-email-connection" className="field-input" data-testid="test-email-connection" value={connection} onChange={(event) => setConnection(event.target.value as "smtp" | "graph")}>
            <option value="smtp">SMTP server</option>
            <option value="graph">Microsoft Graph</option>
          </select>
        </div>
      </div>
      <div className="settings-actions">
        <button type="submit" className="plain-button" data-testid="test-email-send" disabled={busy}>
          {busy ? "Sending…" : "Send a test email"}
        </button>
      </div>
      <OutcomeText outcome={outcome} testId="test-email-result" />
    </form>
  );
}

/** Email: an SMTP server and/or Microsoft Graph, and a test message. */
export function EmailSection({ mail, onSettings, onDirty }: Props) {
  const demo = useEngineStore((state) => state.status?.mode === "demo");
  const smtpAddr = useEngineStore((state) => state.status?.smtpAddr ?? null);
  return (
    <section className="settings-section" aria-labelledby="settings-email-title" data-testid="settings-email">
      <h3 id="settings-email-title" className="settings-section-title">
        Email
      </h3>
      <p className="field-help">Send email steps use one of these connections (each step chooses which).</p>
      {demo && (
        <p className="settings-notice" role="note" data-testid="email-demo-note">
          Demo mode: emails go to the built-in SMTP server{smtpAddr ? ` (${smtpAddr})` : ""}, whatever is saved here, and never leave this computer. The
          settings below apply once a Defender connection is saved.
        </p>
      )}
      <SmtpServerForm mail={mail} onSettings={onSettings} onDirty={onDirty} />
      <GraphForm mail={mail} onSettings={onSettings} onDirty={onDirty} />
      <TestEmailForm mail={mail} />
    </section>
  );
}
