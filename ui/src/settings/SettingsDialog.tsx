import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { errorText, ipc, type SettingsView } from "../ipc/client";
import { displayKeys } from "../canvas/shortcuts";
import { DefenderSection } from "./DefenderSection";
import { EmailSection } from "./EmailSection";
import { OutcomeText, useAction } from "./fields";
import { useSettingsDialog } from "./settingsStore";
import { useTheme, type ThemeChoice } from "../state/theme";
import "./settings.css";

/** The keys that open Settings ("Mod" is ⌘ on a Mac, Ctrl elsewhere). */
export const SETTINGS_SHORTCUT = "Mod+,";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function BackgroundSection({ closeToTray, onSettings }: { closeToTray: boolean; onSettings: (update: (view: SettingsView) => SettingsView) => void }) {
  const { busy, outcome, perform } = useAction();
  const toggle = (enabled: boolean) =>
    perform(async () => {
      await ipc.setCloseToTray(enabled);
      onSettings((view) => ({ ...view, closeToTray: enabled }));
      return null;
    });
  return (
    <section className="settings-section" aria-labelledby="settings-background-title" data-testid="settings-background">
      <h3 id="settings-background-title" className="settings-section-title">
        Background
      </h3>
      <label className="settings-switch-row">
        <span className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-describedby="close-to-tray-help"
            data-testid="close-to-tray"
            checked={closeToTray}
            disabled={busy}
            onChange={(event) => void toggle(event.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
        </span>
        <span>Keep running in the tray when the window is closed</span>
      </label>
      <p className="field-help" id="close-to-tray-help">
        Enabled flows keep running on their triggers while the window is closed. Quit from the tray icon to stop them.
      </p>
      <OutcomeText outcome={outcome} testId="close-to-tray-result" />
    </section>
  );
}

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "Same as the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Light, dark or the system's theme; applies at once and is remembered on this computer. */
function AppearanceSection() {
  const theme = useTheme((state) => state.theme);
  const setTheme = useTheme((state) => state.setTheme);
  return (
    <section className="settings-section" aria-labelledby="settings-appearance-title" data-testid="settings-appearance">
      <h3 id="settings-appearance-title" className="settings-section-title">
        Appearance
      </h3>
      <div className="theme-choice" role="radiogroup" aria-labelledby="settings-appearance-title">
        {THEMES.map((option) => (
          <label key={option.value} className="theme-option">
            <input type="radio" name="theme" value={option.value} checked={theme === option.value} data-testid={`theme-${option.value}`} onChange={() => setTheme(option.value)} />
            {option.label}
          </label>
        ))}
      </div>
    </section>
  );
}

/** The Settings dialog: the Defender connection, email, the tray, the theme; modal, Escape closes it (asking first when typed values are unsaved). */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const [view, setView] = useState<SettingsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** Increases when a section's form should start over from the settings (a removed connection). */
  const [generation, setGeneration] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  // The forms holding typed values not saved yet, by name; Close asks before throwing them away.
  const [dirty, setDirty] = useState<ReadonlySet<string>>(new Set());
  const [confirmingClose, setConfirmingClose] = useState(false);
  const keepEditing = useRef<HTMLButtonElement>(null);
  const onDirty = useCallback((key: string, isDirty: boolean) => {
    setDirty((current) => {
      if (current.has(key) === isDirty) return current;
      const next = new Set(current);
      if (isDirty) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);
  const requestClose = () => {
    if (dirty.size === 0) onClose();
    else setConfirmingClose(true);
  };
  useEffect(() => {
    if (confirmingClose) keepEditing.current?.focus();
  }, [confirmingClose]);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setView(await ipc.getSettings());
      setGeneration((value) => value + 1);
    } catch (error) {
      setLoadError(errorText(error));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => before?.focus();
  }, []);

  // Once the settings arrive, the first field takes the focus.
  const focusedField = useRef(false);
  useEffect(() => {
    if (!view || focusedField.current) return;
    focusedField.current = true;
    dialog.current?.querySelector<HTMLElement>("#defender-tenant")?.focus();
  }, [view]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The canvas's shortcuts (Delete, Ctrl+Z, …) must not act behind the dialog.
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      if (confirmingClose) setConfirmingClose(false);
      else requestClose();
      return;
    }
    if (event.key !== "Tab" || !dialog.current) return;
    // Modal: Tab cycles inside the dialog.
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const onSettings = (next: SettingsView, reset = false) => {
    setView(next);
    if (reset) setGeneration((value) => value + 1);
  };

  return (
    <div className="overlay-backdrop" onMouseDown={(event) => event.target === event.currentTarget && requestClose()}>
      <div ref={dialog} className="overlay settings-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings-dialog" onKeyDown={onKeyDown}>
        <div className="overlay-header">
          <h2 id="settings-title">Settings</h2>
          <button ref={closeButton} type="button" className="tool-button" aria-label="Close settings" data-testid="settings-close" onClick={requestClose}>
            Close
          </button>
        </div>
        {confirmingClose && (
          <div className="settings-notice settings-unsaved" role="alertdialog" aria-labelledby="settings-unsaved-text" data-testid="settings-unsaved">
            <span id="settings-unsaved-text">
              You typed changes that are not saved ({[...dirty].join(", ")}). Close and lose them?
            </span>
            <div className="settings-actions">
              <button ref={keepEditing} type="button" className="plain-button" data-testid="settings-keep-editing" onClick={() => setConfirmingClose(false)}>
                Keep editing
              </button>
              <button type="button" className="danger-button" data-testid="settings-discard" onClick={onClose}>
                Discard and close
              </button>
            </div>
          </div>
        )}
        {!view && !loadError && <p className="menu-note">Loading settings…</p>}
        {loadError && (
          <div className="settings-notice settings-notice-error" role="alert">
            <span>The settings could not be read: {loadError}</span>
            <button type="button" className="plain-button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        {view && (
          <>
            {view.environmentOverrides.length > 0 && (
              <div className="settings-notice" role="note" data-testid="settings-overrides">
                <strong>Environment variables override some saved settings in this session:</strong>{" "}
                {view.environmentOverrides.map((name, index) => (
                  <span key={name}>
                    {index > 0 && ", "}
                    <code>{name}</code>
                  </span>
                ))}
                . What you save here applies once they are unset.
              </div>
            )}
            <DefenderSection key={`defender-${generation}`} defender={view.defender} onSettings={onSettings} onDirty={onDirty} />
            <EmailSection key={`email-${generation}`} mail={view.mail} onSettings={(next) => onSettings(next)} onDirty={onDirty} />
            <BackgroundSection closeToTray={view.closeToTray} onSettings={(update) => setView((current) => (current ? update(current) : current))} />
            <AppearanceSection />
            <p className="field-help settings-secret-store" data-testid="settings-secret-store">
              Secrets are kept in {view.secretStore} and are never shown again.
            </p>
          </>
        )}
      </div>
    </div>
  );
}

/** The header's Settings button; Ctrl/Cmd+, opens the dialog from anywhere. */
export function SettingsButton() {
  const open = useSettingsDialog((state) => state.open);
  const setOpen = useSettingsDialog((state) => state.setOpen);
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key === "," && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [setOpen]);
  return (
    <>
      <button
        type="button"
        className="tool-button settings-button"
        aria-label="Settings"
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+Comma Meta+Comma"
        title={`Settings (${displayKeys(SETTINGS_SHORTCUT)})`}
        data-testid="settings-open"
        onClick={() => setOpen(true)}
      >
        <span aria-hidden="true">⚙</span> Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}
