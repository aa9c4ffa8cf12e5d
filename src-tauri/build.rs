//! Tauri's build step. The app's own commands are declared here so that each gets a permission
//! (`allow-<command>`) and the main window's capability in `tauri.conf.json` can grant exactly
//! the commands the UI uses, and nothing else.

fn main() {
    let commands = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "node_kinds",
        "validate_flow",
        "available_outputs",
        "list_templates",
        "get_template",
        "list_flows",
        "get_flow",
        "save_flow",
        "create_flow",
        "duplicate_flow",
        "rename_flow",
        "delete_flow",
        "set_flow_enabled",
        "flow_history",
        "engine_status",
        "run_flow",
        "list_alerts",
        "simulate_alert",
        "list_runs",
        "get_run",
        "rerun_run",
        "cancel_run",
        "preview_email",
        "get_settings",
        "save_defender_settings",
        "test_defender_connection",
        "clear_defender_settings",
        "save_smtp_settings",
        "save_graph_settings",
        "send_test_email",
        "set_close_to_tray",
        "export_flow",
        "pick_flow_file",
        "import_flow_file",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("the Tauri build step failed");
}
