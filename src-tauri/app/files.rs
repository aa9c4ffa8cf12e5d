//! Import and export of flow files through the OS file dialogs.
//!
//! The dialogs are opened by Rust, so the UI needs no file-system permission: export writes the
//! flow's canonical JSON (a flow document has no secret fields; connections are referenced by
//! name) where the user chose, and import reads a file the user picked, with the model's size
//! limit, and saves it as a draft when it has problems.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use std::path::{Path, PathBuf};

use tauri_plugin_dialog::{DialogExt, FilePath};

use flowguard_ipc::{CommandError, CommandErrorKind, ImportResult};
use flowguard_store::files::{FlowFileError, read_flow_file};
use flowguard_store::flows::{Imported, OnConflict};
use flowguard_store::{Store, StoreError};

use crate::state::AppState;
use crate::validate;

fn internal(message: impl std::fmt::Display) -> CommandError {
    CommandError::new(CommandErrorKind::Internal, message.to_string())
}

fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::new(CommandErrorKind::InvalidInput, message)
}

fn to_path(path: Option<FilePath>) -> Result<Option<PathBuf>, CommandError> {
    path.map(|path| {
        path.into_path()
            .map_err(|error| invalid(format!("the chosen file is not a local path: {error}")))
    })
    .transpose()
}

/// Writes the flow's canonical JSON to a file the user picks. Returns the path, or None when
/// the dialog was cancelled.
#[tauri::command]
pub async fn export_flow(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<Option<String>, CommandError> {
    validate::id("flow id", &id)?;
    let stored = state
        .store
        .get_flow(&id)
        .map_err(internal)?
        .ok_or_else(|| {
            CommandError::new(
                CommandErrorKind::NotFound,
                format!("there is no flow {id:?}"),
            )
        })?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Export flow")
        .set_file_name(format!("{id}.flow.json"))
        .add_filter("Flowguard flow", &["json"])
        .save_file(move |path| {
            let _ = sender.send(path);
        });
    let Some(path) = to_path(receiver.await.map_err(internal)?)? else {
        return Ok(None);
    };
    let mut text = stored.flow.to_canonical_json();
    text.push('\n');
    std::fs::write(&path, text)
        .map_err(|error| internal(format!("cannot write {}: {error}", path.display())))?;
    tracing::info!(flow = %id, path = %path.display(), "exported a flow");
    Ok(Some(path.display().to_string()))
}

/// Lets the user pick a flow file to import. None when the dialog was cancelled.
#[tauri::command]
pub async fn pick_flow_file(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Import flow")
        .add_filter("Flowguard flow", &["json"])
        .pick_file(move |path| {
            let _ = sender.send(path);
        });
    Ok(to_path(receiver.await.map_err(internal)?)?.map(|path| path.display().to_string()))
}

/// Reads the file with the store's reader (never more than the model's size limit).
fn read_limited(path: &Path) -> Result<Vec<u8>, CommandError> {
    read_flow_file(path).map_err(|error| match error {
        FlowFileError::Io(error) => invalid(format!("cannot read {}: {error}", path.display())),
        FlowFileError::Parse(_) => invalid(format!(
            "{} is larger than the 1 MiB a flow file may be",
            path.display()
        )),
    })
}

/// Imports `bytes` as a flow. A flow with the same id: `fail` (a `conflict` error), `replace`
/// (saved as its next version) or `copy` (a new id, "(copy)" in the name).
pub fn import_bytes(
    store: &Store,
    bytes: &[u8],
    on_conflict: &str,
    source: &str,
) -> Result<ImportResult, CommandError> {
    let mut flow = flowguard_model::parse_flow(bytes)
        .map_err(|error| invalid(format!("{source}: {error}")))?;
    validate::id("flow id", &flow.id)
        .map_err(|error| invalid(format!("{source}: {}", error.message)))?;
    flow.name = validate::name(&flow.name)?;
    let on_conflict = match on_conflict {
        "fail" => OnConflict::Fail,
        "replace" => OnConflict::Replace,
        "copy" => OnConflict::Copy,
        other => {
            return Err(invalid(format!(
                "on conflict {other:?} is not one of fail, replace, copy"
            )));
        }
    };
    let Imported { flow, outcome } = match store.import_flow(flow, on_conflict) {
        Ok(imported) => imported,
        Err(StoreError::FlowExists(id)) => {
            return Err(CommandError::new(
                CommandErrorKind::Conflict,
                format!(
                    "a flow with id {id:?} already exists: replace it (a new version) or import as a copy"
                ),
            ));
        }
        Err(error) => return Err(internal(error)),
    };
    Ok(ImportResult {
        id: flow.id,
        name: flow.name,
        diagnostics: outcome.diagnostics,
    })
}

/// Imports the flow file at `path` (picked with `pick_flow_file`).
#[tauri::command]
pub fn import_flow_file(
    state: tauri::State<'_, AppState>,
    path: String,
    on_conflict: String,
) -> Result<ImportResult, CommandError> {
    let path = PathBuf::from(validate::text("path", &path, 4096)?);
    let bytes = read_limited(&path)?;
    let result = import_bytes(
        &state.store,
        &bytes,
        &on_conflict,
        &path.display().to_string(),
    )?;
    tracing::info!(flow = %result.id, path = %path.display(), "imported a flow");
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<u8> {
        let flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
        flow.to_canonical_json().into_bytes()
    }

    #[test]
    fn a_second_import_of_the_same_id_asks_then_replaces_or_copies() {
        let store = Store::open_in_memory().unwrap();
        let bytes = seed();
        let first = import_bytes(&store, &bytes, "fail", "seed.json").unwrap();
        let conflict = import_bytes(&store, &bytes, "fail", "seed.json").unwrap_err();
        assert_eq!(conflict.kind, CommandErrorKind::Conflict);
        let replaced = import_bytes(&store, &bytes, "replace", "seed.json").unwrap();
        assert_eq!(replaced.id, first.id);
        let copy = import_bytes(&store, &bytes, "copy", "seed.json").unwrap();
        assert_ne!(copy.id, first.id);
        assert!(copy.name.ends_with("(copy)"));
        assert_eq!(store.list_flows().unwrap().len(), 2);
    }

    #[test]
    fn a_broken_file_names_the_file_and_the_place() {
        let store = Store::open_in_memory().unwrap();
        let error = import_bytes(&store, b"{\n  \"id\": ", "fail", "broken.json").unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(
            error.message.starts_with("broken.json:"),
            "{}",
            error.message
        );
        assert!(error.message.contains("line"), "{}", error.message);
    }

    #[test]
    fn files_over_the_limit_are_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; flowguard_model::MAX_FLOW_BYTES + 10]).unwrap();
        let error = read_limited(&path).unwrap_err();
        assert!(error.message.contains("1 MiB"), "{}", error.message);
    }
}
