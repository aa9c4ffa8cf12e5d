//! The Tauri shell of Flowguard: window, commands and (later) events and tray.
//!
//! This crate is deliberately thin. Each command validates its input, calls a core crate and
//! maps the result to an IPC type from `flowguard-ipc`; no business logic lives here, so the CLI,
//! the daemon and the tests exercise the same code as the app.

mod commands;
mod state;
mod validate;

use state::AppState;

/// Starts the desktop app.
pub fn run() {
    let launch = match state::LaunchOptions::from_args(std::env::args().skip(1)) {
        Ok(launch) => launch,
        Err(message) => {
            eprintln!("flowguard-app: {message}");
            std::process::exit(2);
        }
    };
    let log_directory = flowguard_store::paths::log_directory().ok();
    let _telemetry = flowguard_telemetry::init(match log_directory {
        Some(directory) => flowguard_telemetry::Options::with_file(directory, "flowguard-app"),
        None => flowguard_telemetry::Options::cli(),
    });

    let state = match AppState::new(&launch) {
        Ok(state) => state,
        Err(error) => {
            tracing::error!(%error, "cannot start Flowguard");
            eprintln!("flowguard-app: {error}");
            std::process::exit(1);
        }
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        database = %state.database_path.display(),
        "starting Flowguard"
    );

    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::node_kinds,
            commands::validate_flow,
            commands::available_outputs,
            commands::list_templates,
            commands::get_template,
            commands::list_flows,
            commands::get_flow,
            commands::save_flow,
            commands::create_flow,
            commands::duplicate_flow,
            commands::rename_flow,
            commands::delete_flow,
            commands::set_flow_enabled,
            commands::flow_history,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the desktop shell stopped with an error");
        std::process::exit(1);
    }
}
