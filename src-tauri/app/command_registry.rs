//! The app's command list (declared once, in `command_list.rs`) as data, and the tests that tie
//! every other place that names a command to it: the main window's capability in
//! `tauri.conf.json` grants exactly these commands, and the UI's `ui/src/ipc/client.ts` calls
//! exactly these commands, each of them from somewhere in the UI. (`build.rs` and the
//! `generate_handler!` list are generated from the same declaration.)

/// Every command the main window may call, by name.
pub const COMMANDS: &[&str] = app_commands!(command_names);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::COMMANDS;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
    }

    fn read(relative: &str) -> String {
        std::fs::read_to_string(root().join(relative))
            .unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
    }

    fn declared() -> BTreeSet<String> {
        let set: BTreeSet<String> = COMMANDS.iter().map(|name| (*name).to_owned()).collect();
        assert_eq!(set.len(), COMMANDS.len(), "a command is declared twice");
        set
    }

    /// The `allow-<command>` permissions granted to the main window, as command names.
    fn granted() -> BTreeSet<String> {
        let config: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
        let capability = config["app"]["security"]["capabilities"]
            .as_array()
            .expect("tauri.conf.json declares its capabilities inline")
            .iter()
            .find(|capability| capability["identifier"] == "main-window")
            .expect("the main-window capability");
        capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|permission| permission.as_str())
            .filter_map(|permission| permission.strip_prefix("allow-"))
            .map(|command| command.replace('-', "_"))
            .collect()
    }

    /// The commands `ui/src/ipc/client.ts` invokes (`call<…>("name"`), with the name of the
    /// client function that invokes each.
    fn client_calls() -> Vec<(String, String)> {
        let client = read("ui/src/ipc/client.ts");
        let mut calls = Vec::new();
        // The function a line belongs to: `  name: (…) =>` on this line or an earlier one.
        let mut function = String::new();
        for line in client.lines() {
            let trimmed = line.trim_start();
            if let Some((name, _)) = trimmed.split_once(':')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                name.clone_into(&mut function);
            }
            let Some(at) = line.find("call<") else {
                continue;
            };
            let Some(quoted) = line[at..].split('"').nth(1) else {
                continue;
            };
            calls.push((function.clone(), quoted.to_owned()));
        }
        calls
    }

    fn ui_sources(directory: &Path, files: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(directory).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                // The generated types, the IPC client itself and the test helpers do not count
                // as "the UI uses it".
                if !matches!(name.as_str(), "bindings" | "test" | "node_modules") {
                    ui_sources(&path, files);
                }
            } else if (name.ends_with(".ts") || name.ends_with(".tsx"))
                && !name.contains(".test.")
                && name != "client.ts"
            {
                // Without whitespace, so `ipc\n  .appInfo()` reads as `ipc.appInfo(`.
                let text: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                files.push((path.clone(), text));
            }
        }
    }

    #[test]
    fn the_capability_grants_exactly_the_declared_commands() {
        let declared = declared();
        let granted = granted();
        let missing: Vec<_> = declared.difference(&granted).collect();
        let extra: Vec<_> = granted.difference(&declared).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "tauri.conf.json's main-window capability differs from command_list.rs: \
             not granted {missing:?}, granted but not declared {extra:?}"
        );
    }

    #[test]
    fn build_rs_and_the_handler_read_the_one_declaration() {
        let build = read("src-tauri/build.rs");
        assert!(build.contains("include!(\"app/command_list.rs\")"));
        assert!(build.contains("app_commands!(command_names)"));
        let lib = read("src-tauri/app/lib.rs");
        assert!(lib.contains(".invoke_handler(app_commands!(command_handler))"));
        assert!(
            !lib.contains("generate_handler![\n"),
            "lib.rs lists commands by hand again"
        );
    }

    #[test]
    fn the_ui_client_calls_exactly_the_declared_commands() {
        let declared = declared();
        let called: BTreeSet<String> = client_calls().into_iter().map(|(_, c)| c).collect();
        let not_called: Vec<_> = declared.difference(&called).collect();
        let undeclared: Vec<_> = called.difference(&declared).collect();
        assert!(
            not_called.is_empty() && undeclared.is_empty(),
            "ui/src/ipc/client.ts differs from command_list.rs: \
             never called {not_called:?}, called but not declared {undeclared:?}"
        );
    }

    #[test]
    fn every_client_function_is_used_by_the_ui() {
        let mut files = Vec::new();
        ui_sources(&root().join("ui/src"), &mut files);
        assert!(files.len() > 10, "the UI sources are missing");
        let unused: Vec<String> = client_calls()
            .into_iter()
            .filter(|(function, _)| {
                let needle = format!("ipc.{function}(");
                !files.iter().any(|(_, text)| text.contains(&needle))
            })
            .map(|(function, command)| format!("{function} ({command})"))
            .collect();
        assert!(
            unused.is_empty(),
            "granted commands the UI never calls (use them or drop them): {unused:?}"
        );
    }
}
