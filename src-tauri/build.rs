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
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("the Tauri build step failed");
}
