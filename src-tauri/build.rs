//! Tauri's build step. Each of the app's commands (declared once, in `app/command_list.rs`) gets
//! a permission (`allow-<command>`), so the main window's capability in `tauri.conf.json` can
//! grant exactly the commands the UI uses, and nothing else.

include!("app/command_list.rs");

fn main() {
    println!("cargo::rerun-if-changed=src-tauri/app/command_list.rs");
    let names: &[&str] = app_commands!(command_names);
    let commands = tauri_build::AppManifest::new().commands(names);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("the Tauri build step failed");
}
