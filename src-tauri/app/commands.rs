//! The commands the UI may invoke. Each is granted to the main window by name in
//! `tauri.conf.json`; anything not listed in `build.rs` and there cannot be called.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use flowguard_ipc::{
    AppInfo, AvailableOutput, CommandError, CommandErrorKind, Flow, NodeKindSpec, TemplateInfo,
    ValidationReport,
};

use crate::state::AppState;

/// The app's version and where its files are.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database_path: state.database_path.display().to_string(),
        data_directory: state.data_directory.display().to_string(),
        log_directory: state.log_directory.display().to_string(),
    }
}

/// Every node kind: palette entry, input schema (the side panel's form) and outputs.
#[tauri::command]
pub fn node_kinds() -> Vec<NodeKindSpec> {
    flowguard_model::node_kinds()
}

/// Parses a flow document as the UI holds it and returns every problem in it. A document that
/// does not even parse comes back as an `invalid_input` error naming the place.
#[tauri::command]
pub fn validate_flow(document: String) -> Result<ValidationReport, CommandError> {
    let (_, diagnostics) = flowguard_model::parse_and_validate(document.as_bytes())
        .map_err(|error| CommandError::new(CommandErrorKind::InvalidInput, error.to_string()))?;
    Ok(ValidationReport::new(diagnostics))
}

/// The outputs a node may reference: those of the trigger and of the steps upstream of it.
#[tauri::command]
pub fn available_outputs(flow: Flow, node_id: String) -> Vec<AvailableOutput> {
    flowguard_model::available_outputs(&flow, &node_id)
}

/// The built-in flow templates.
#[tauri::command]
pub fn list_templates() -> Vec<TemplateInfo> {
    flowguard_model::templates::list()
}

/// One built-in template as a flow document.
#[tauri::command]
pub fn get_template(name: String) -> Result<Flow, CommandError> {
    flowguard_model::templates::get(&name).ok_or_else(|| {
        CommandError::new(
            CommandErrorKind::NotFound,
            format!("there is no template called {name:?}"),
        )
    })
}
