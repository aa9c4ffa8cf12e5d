// The app's commands, declared once. (Plain `//` comments: `build.rs` `include!`s this file.)
//
// Adding a command is one line here (`module::function,`), one `allow-<command-with-dashes>` in
// the main window's capability in `tauri.conf.json`, and its typed function in
// `ui/src/ipc/client.ts`; `build.rs` (which gives each command its `allow-…` permission) and the
// app's `generate_handler!` read this list, and the tests in `command_list::tests` fail until the
// capability and the client agree with it. See `src-tauri/app/README.md`, "Adding a command".

/// Calls `$callback! { module::command, … }` with every app command.
macro_rules! app_commands {
    ($callback:ident) => {
        $callback! {
            commands::app_info,
            commands::node_kinds,
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
        }
    };
}

/// The command names (the function names), as `&[&str]`.
#[allow(
    unused_macros,
    reason = "build.rs and the tests use it; the app itself does not"
)]
macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}
