//! The commands the UI may invoke. Each is granted to the main window by name in
//! `tauri.conf.json`; anything not listed in `build.rs` and there cannot be called.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use flowguard_ipc::AppInfo;

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
