//! The types the desktop app exchanges with its UI, and the generator of their TypeScript
//! bindings.
//!
//! Every command's request and response type is declared (or re-exported) here, so the set of
//! types the UI sees is one list: [`export_bindings`] writes them to `ui/src/ipc/bindings/`, and a
//! test fails when the committed files differ from what the Rust types produce. This crate holds
//! data only: no Tauri, no I/O besides writing the binding files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use flowguard_engine::events::RunEvent;
pub use flowguard_model::diff::FlowDiff;
pub use flowguard_model::{
    AvailableOutput, Diagnostic, Flow, NodeKindSpec, RunSource, TemplateInfo,
};

mod error;
pub use error::{CommandError, CommandErrorKind};

/// Facts about the running app, shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version (the Cargo package version).
    pub version: String,
    /// The SQLite database the app uses.
    pub database_path: String,
    /// The folder with the app's data (database, logs).
    pub data_directory: String,
    /// The folder with the rolling log files.
    pub log_directory: String,
}

/// What validating a flow found: every diagnostic, and whether any is an error (an invalid flow
/// can be saved as a draft but not enabled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub diagnostics: Vec<Diagnostic>,
    pub has_errors: bool,
}

impl ValidationReport {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        let has_errors = flowguard_model::has_errors(&diagnostics);
        Self {
            diagnostics,
            has_errors,
        }
    }
}

/// A flow's line in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowSummary {
    pub id: String,
    pub name: String,
    /// Whether background runs (its trigger) use the published version.
    pub enabled: bool,
    /// The draft: the newest saved version (what the editor shows and Run now runs).
    pub version: i64,
    /// The same as `version`, under the name the publish workflow uses.
    pub draft_version: i64,
    /// The version background runs use; `None` until the flow is first published.
    pub published_version: Option<i64>,
    /// The draft differs from the published version (or nothing is published yet).
    pub has_unpublished_changes: bool,
    /// Every background run of this flow (alert, schedule, backlog) is a dry run.
    pub dry_run_only: bool,
    /// How many diagnostics the draft has (errors and warnings).
    pub problems: i64,
    pub updated_at: String,
    /// The newest run of the flow, if any.
    pub last_run: Option<RunBrief>,
    /// When a schedule trigger fires next (RFC 3339), for enabled schedule flows.
    pub next_run_at: Option<String>,
}

/// A run in a single line: its id, status and when it was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunBrief {
    pub id: String,
    pub status: String,
    pub created_at: String,
}

/// One saved version of a flow, as the version history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersion {
    pub version: i64,
    pub saved_at: String,
    pub content_hash: String,
    /// How many diagnostics (errors and warnings) this version has.
    pub problems: i64,
    /// Background runs use this version.
    pub published: bool,
    /// This is the newest version: the draft the editor shows.
    pub draft: bool,
}

/// A saved flow as the editor opens it: its draft (the newest version), what validation says
/// about it, and where it stands (published, enabled, dry run only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredFlowView {
    pub flow: Flow,
    /// The draft version (the newest saved version).
    pub version: i64,
    pub draft_version: i64,
    pub published_version: Option<i64>,
    pub has_unpublished_changes: bool,
    pub enabled: bool,
    pub dry_run_only: bool,
    pub updated_at: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// One saved version, read-only: its document and what validation says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersionView {
    pub flow_id: String,
    pub version: i64,
    pub saved_at: String,
    pub published: bool,
    pub draft: bool,
    pub flow: Flow,
    pub diagnostics: Vec<Diagnostic>,
}

/// What changed between two versions of a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionDiff {
    pub flow_id: String,
    pub from_version: i64,
    pub to_version: i64,
    pub diff: FlowDiff,
    /// The diff in one line per change, as the CLI prints it.
    pub lines: Vec<String>,
}

/// What publishing did: the version background runs now use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PublishResult {
    pub published_version: i64,
    /// The version that was published before, if any.
    pub previous_version: Option<i64>,
    /// False when that version was already the published one.
    pub changed: bool,
}

/// What saving a flow did. Saving makes a new draft version; it never changes the published
/// version or the enabled switch, whatever problems the draft has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    pub version: i64,
    /// False when the document was identical to the current version (nothing new stored).
    pub new_version: bool,
    pub enabled: bool,
    pub published_version: Option<i64>,
    pub has_unpublished_changes: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Which Defender tenant the engine talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EngineMode {
    /// No tenant is configured: the built-in emulator runs in-process.
    Demo,
    /// A real tenant (from the saved settings or the environment).
    Tenant,
    /// The engine is not running (see `error`).
    Stopped,
}

/// The background engine as the status bar and the demo banner show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EngineStatus {
    pub mode: EngineMode,
    /// One line: which tenant, or that this is demo mode.
    pub description: String,
    /// Why the engine is not running (another executor holds the database, a bad connection).
    pub error: Option<String>,
    /// Demo mode: the emulator's base URL (its `/_emulator` control API is under it).
    pub emulator_url: Option<String>,
    /// Demo mode: the emulator's SMTP server (`host:port`).
    pub smtp_addr: Option<String>,
    /// Runs in flight now.
    pub in_flight: u32,
}

/// What a manual run's trigger gets as its input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerChoice {
    /// A built-in sample alert (no API call).
    Sample,
    /// An alert fetched from the tenant (or the demo emulator) by id.
    Alert {
        #[serde(rename = "alertId")]
        alert_id: String,
    },
}

/// Run now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    pub flow_id: String,
    /// Side effects are recorded, not sent.
    pub dry_run: bool,
    pub trigger: TriggerChoice,
}

/// An alert offered as a manual run's trigger input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertChoice {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub created_at: Option<String>,
}

/// A change a run made in the tenant: a step of a tenant-changing kind that succeeded for real.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TenantChange {
    pub step_id: String,
    /// The step's kind id (`isolate_machine`).
    pub kind: String,
    /// The kind's title (`Isolate machine`).
    pub kind_title: String,
    /// What it acted on (a machine's name, else its id), when known.
    pub target: Option<String>,
    /// `Isolate machine · finance-laptop-07`.
    pub label: String,
}

/// One line of a flow's run history, and of the activity feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunListItem {
    pub id: String,
    pub flow_id: String,
    /// The flow's name now (or its id when the flow was deleted).
    pub flow_name: String,
    pub flow_version: i64,
    /// queued, running, succeeded, failed, cancelled or interrupted.
    pub status: String,
    /// The flow's trigger kind: alert_created, schedule or manual.
    pub trigger_kind: String,
    /// Why the run exists: manual, alert, schedule, rerun or backlog.
    pub source: RunSource,
    pub dry_run: bool,
    /// Why it was interrupted or failed, in one line.
    pub reason: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<i64>,
    /// The alert that triggered it, when there is one.
    pub alert_id: Option<String>,
    /// The alert's title, from the trigger's payload (the UI shows "—" when there is none).
    pub alert_title: Option<String>,
    /// The alert's machine (its DNS name), from the trigger's payload.
    pub machine_name: Option<String>,
    /// What the run changed in the tenant (empty for a dry run or a run that changed nothing).
    pub tenant_changes: Vec<TenantChange>,
}

/// A page of the activity feed: every flow's runs, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityPage {
    pub items: Vec<RunListItem>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<String>,
    /// Tenant-changing runs not yet marked seen (the badge).
    pub unseen_tenant_changes: u32,
}

/// One step of a run, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepRunView {
    pub step_id: String,
    /// pending, running, succeeded, failed, skipped or cancelled.
    pub status: String,
    pub attempts: i64,
    #[ts(type = "unknown")]
    pub input: Option<serde_json::Value>,
    #[ts(type = "unknown")]
    pub output: Option<serde_json::Value>,
    /// The error as the engine recorded it (`code`, `message`, …).
    #[ts(type = "unknown")]
    pub error: Option<serde_json::Value>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<i64>,
}

/// A run with every step and the flow version it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDetail {
    pub run: RunListItem,
    /// The trigger's outputs (`trigger.*`).
    #[ts(type = "unknown")]
    pub trigger_payload: serde_json::Value,
    pub rerun_of: Option<String>,
    pub steps: Vec<StepRunView>,
    /// The flow as it was at the version the run ran (None if that version was deleted).
    pub flow: Option<Flow>,
}

/// What switching a flow on would start, shown before it is switched on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnablePreview {
    pub flow_id: String,
    /// The flow's trigger kind (alert_created, schedule or manual).
    pub trigger_kind: String,
    pub published_version: Option<i64>,
    pub dry_run_only: bool,
    /// Why it cannot be switched on now (nothing published), in plain words; `None` when it can.
    pub refusal: Option<String>,
    /// Alert flows: the alerts created since the flow was last on (or since it was created, at
    /// most 7 days back) that match its trigger and that it has not handled.
    /// Switching on does not start them unless asked (`EnableOptions::handle_backlog`).
    pub backlog: Vec<AlertChoice>,
    /// Where the backlog starts (RFC 3339).
    pub backlog_since: Option<String>,
    /// Schedule flows: the ticks missed while it was off (not run on enable unless asked).
    pub missed_ticks: u32,
    /// Schedule flows: when it fires next (RFC 3339).
    pub next_tick: Option<String>,
    /// Why the backlog could not be read (Defender unreachable), if so; the switch still works.
    pub backlog_error: Option<String>,
}

/// What to do besides switching a flow on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnableOptions {
    /// Backlog alerts to really handle now, as runs with source `backlog`.
    #[serde(default)]
    pub handle_backlog: Vec<String>,
    /// Schedule flows: run the missed tick once now.
    #[serde(default)]
    pub run_missed_tick: bool,
}

/// A run queued for one backlog alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BacklogRun {
    pub alert_id: String,
    pub run_id: String,
}

/// What switching a flow on or off did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnableResult {
    pub enabled: bool,
    /// The runs created for `handle_backlog` (an alert already handled by the flow gets none).
    pub backlog_runs: Vec<BacklogRun>,
    /// The run created for the missed tick, when asked for.
    pub missed_tick_run: Option<String>,
}

/// The Defender connection as Settings shows it (the secret is never sent back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DefenderSettings {
    pub tenant_id: String,
    pub client_id: String,
    /// global, us, eu, uk, gcc, gcc_high, dod or custom.
    pub cloud: String,
    /// For `custom`: the API and login bases.
    pub api_url: Option<String>,
    pub login_url: Option<String>,
    /// Whether a client secret is stored in the keychain.
    pub has_secret: bool,
}

/// Saving or testing the Defender connection. A missing secret keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DefenderSettingsInput {
    pub tenant_id: String,
    pub client_id: String,
    pub cloud: String,
    pub api_url: Option<String>,
    pub login_url: Option<String>,
    pub client_secret: Option<String>,
}

/// An SMTP server as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SmtpSettingsView {
    pub host: String,
    pub port: u16,
    /// none, start_tls or tls.
    pub security: String,
    pub username: Option<String>,
    /// The sender (`Name <address>` or an address).
    pub from: String,
    pub has_password: bool,
}

/// Saving an SMTP server. A missing password keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SmtpSettingsInput {
    pub host: String,
    pub port: u16,
    pub security: String,
    pub username: Option<String>,
    pub from: String,
    pub password: Option<String>,
}

/// Email settings: SMTP and/or Microsoft Graph (sendMail with the Defender app's registration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MailSettings {
    pub smtp: Option<SmtpSettingsView>,
    /// The mailbox Graph sends from; None when Graph is not set up.
    pub graph_sender: Option<String>,
}

/// Everything Settings shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub defender: Option<DefenderSettings>,
    pub mail: MailSettings,
    /// Closing the window keeps the engine running in the tray.
    pub close_to_tray: bool,
    /// FLOWGUARD_* variables that override the saved settings in this process.
    pub environment_overrides: Vec<String>,
    /// Where secrets are kept: "the OS keychain" or the fallback file's path.
    pub secret_store: String,
}

/// The result of "Test connection" or "Send a test email".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub ok: bool,
    pub message: String,
    /// For a failed "Test connection": which step failed and what to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub failure: Option<ConnectionFailure>,
}

/// The step of a connection that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStep {
    /// The host name does not resolve.
    Dns,
    /// The TCP connection failed.
    Connect,
    /// The TLS handshake failed (certificate, TLS inspection).
    Tls,
    /// Entra ID refused the token request.
    Token,
    /// The Defender API refused the call.
    Api,
}

/// Which step of "Test connection" failed, Entra's AADSTS code or the API's status when there is
/// one, what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionFailure {
    pub step: ConnectionStep,
    /// `AADSTS7000215`, `HTTP 403 Forbidden`, ...
    pub code: Option<String>,
    pub message: String,
    pub hint: String,
}

/// A Send Email step rendered against a run's data or a sample alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EmailPreview {
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub body: String,
    pub html: bool,
    /// Where the data came from: "run <id>" or "a sample alert".
    pub source: String,
    /// Template errors (a field that did not render), by field.
    pub errors: Vec<String>,
}

/// What importing a flow file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// The id the flow was saved under (a new one when imported as a copy).
    pub id: String,
    pub name: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// The folder, relative to the repository root, that holds the generated bindings.
pub const BINDINGS_DIRECTORY: &str = "ui/src/ipc/bindings";

/// The repository root, found from this crate's manifest directory.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Writes the TypeScript declaration of every IPC type (and the types they use) into `directory`
/// and returns the files written, sorted.
pub fn export_bindings(directory: &Path) -> Result<Vec<PathBuf>, ts_rs::ExportError> {
    let config = ts_rs::Config::new()
        .with_out_dir(directory)
        .with_large_int("number");
    AppInfo::export_all(&config)?;
    CommandError::export_all(&config)?;
    Flow::export_all(&config)?;
    NodeKindSpec::export_all(&config)?;
    Diagnostic::export_all(&config)?;
    AvailableOutput::export_all(&config)?;
    TemplateInfo::export_all(&config)?;
    ValidationReport::export_all(&config)?;
    FlowSummary::export_all(&config)?;
    FlowVersion::export_all(&config)?;
    StoredFlowView::export_all(&config)?;
    SaveResult::export_all(&config)?;
    RunBrief::export_all(&config)?;
    EngineMode::export_all(&config)?;
    EngineStatus::export_all(&config)?;
    TriggerChoice::export_all(&config)?;
    RunRequest::export_all(&config)?;
    AlertChoice::export_all(&config)?;
    RunListItem::export_all(&config)?;
    StepRunView::export_all(&config)?;
    RunDetail::export_all(&config)?;
    // The engine's own event, exported as `RunEventView` (the name the UI knows).
    RunEvent::export_all(&config)?;
    DefenderSettings::export_all(&config)?;
    DefenderSettingsInput::export_all(&config)?;
    SmtpSettingsView::export_all(&config)?;
    SmtpSettingsInput::export_all(&config)?;
    MailSettings::export_all(&config)?;
    SettingsView::export_all(&config)?;
    CheckResult::export_all(&config)?;
    ConnectionStep::export_all(&config)?;
    ConnectionFailure::export_all(&config)?;
    EmailPreview::export_all(&config)?;
    ImportResult::export_all(&config)?;
    FlowVersionView::export_all(&config)?;
    VersionDiff::export_all(&config)?;
    PublishResult::export_all(&config)?;
    RunSource::export_all(&config)?;
    TenantChange::export_all(&config)?;
    ActivityPage::export_all(&config)?;
    EnablePreview::export_all(&config)?;
    EnableOptions::export_all(&config)?;
    BacklogRun::export_all(&config)?;
    EnableResult::export_all(&config)?;
    let mut files: Vec<PathBuf> = walk(directory);
    files.sort();
    Ok(files)
}

fn walk(directory: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|ext| ext == "ts") {
            files.push(path);
        }
    }
    files
}
