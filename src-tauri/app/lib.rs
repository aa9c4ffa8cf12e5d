//! The Tauri shell of Flowguard: window, commands and (later) events and tray.
//!
//! This crate is deliberately thin. Each command validates its input, calls a core crate and
//! maps the result to an IPC type from `flowguard-ipc`; no business logic lives here, so the CLI,
//! the daemon and the tests exercise the same code as the app.

mod commands;
mod files;
mod host;
mod runs;
mod settings;
mod state;
mod tray;
mod validate;

use tauri::Manager;

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

    let app = tauri::Builder::default()
        // First: a second launch focuses the running window instead of starting a second app.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main_window(app);
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .setup(|app| {
            tray::install(app.handle())?;
            // The engine starts in the background: connecting (or starting the demo emulator)
            // and probing the keychain must not hold the window up.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                state
                    .engine
                    .restart(
                        &handle,
                        &state.store,
                        &state.database_path,
                        &state.data_directory,
                    )
                    .await;
            });
            Ok(())
        })
        .on_window_event(tray::on_window_event)
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
            commands::publish_flow,
            commands::flow_versions,
            commands::get_flow_version,
            commands::diff_flow_versions,
            commands::restore_flow_version,
            commands::enable_preview,
            commands::backlog_dry_run,
            commands::set_flow_dry_run_only,
            commands::list_activity,
            commands::mark_activity_seen,
            commands::unseen_activity_count,
            commands::get_notify_tenant_changes,
            commands::set_notify_tenant_changes,
            runs::engine_status,
            runs::run_flow,
            runs::list_alerts,
            runs::simulate_alert,
            runs::list_runs,
            runs::get_run,
            runs::rerun_run,
            runs::cancel_run,
            runs::preview_email,
            settings::get_settings,
            settings::save_defender_settings,
            settings::test_defender_connection,
            settings::clear_defender_settings,
            settings::save_smtp_settings,
            settings::save_graph_settings,
            settings::send_test_email,
            settings::set_close_to_tray,
            files::export_flow,
            files::pick_flow_file,
            files::import_flow_file,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the desktop shell cannot start");
            eprintln!("flowguard-app: {error}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // In-flight runs finish within the grace period or resume at the next start.
            let state = handle.state::<AppState>();
            tauri::async_runtime::block_on(state.engine.shutdown());
            tracing::info!("Flowguard stopped");
        }
    });
}
