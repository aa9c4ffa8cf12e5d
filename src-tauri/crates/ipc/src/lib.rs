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

pub use flowguard_model::{AvailableOutput, Diagnostic, Flow, NodeKindSpec, TemplateInfo};

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

/// What every command returns when it fails: a stable kind the UI can branch on, and a message
/// a person can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: CommandErrorKind,
    pub message: String,
}

/// The families of command failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CommandErrorKind {
    /// The UI sent something the command refuses (a bad id, an invalid flow, …).
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The database, a connector or the file system failed.
    Internal,
}

impl CommandError {
    pub fn new(kind: CommandErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
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
    pub enabled: bool,
    pub version: i64,
    /// How many diagnostics the current version has (errors and warnings).
    pub problems: i64,
    pub updated_at: String,
}

/// One saved version of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowVersion {
    pub version: i64,
    pub saved_at: String,
    pub content_hash: String,
}

/// A saved flow as the editor opens it: its current version and what validation says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredFlowView {
    pub flow: Flow,
    pub version: i64,
    pub updated_at: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// What saving a flow did. An invalid flow is saved as a draft (and left disabled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    pub version: i64,
    /// False when the document was identical to the current version (nothing new stored).
    pub new_version: bool,
    pub enabled: bool,
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
