//! ARCHITECTURE.md's dependency invariants, checked against what Cargo actually resolves
//! (`cargo metadata`), so they stay true as crates gain dependencies:
//! - only the app package knows Tauri: no crate under `src-tauri/crates/` depends on `tauri`,
//!   directly or through another crate;
//! - the model never does I/O: `flowguard-model` has no tokio, rusqlite or reqwest;
//! - the engine does not depend on the emulator (demo mode is set up in `flowguard-commands`).
//!
//! Only normal dependencies count (a test may use the emulator); third-party crates are checked
//! by their direct use in the workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The workspace's packages and their normal (non-dev, non-build) dependencies, by name, as
/// `cargo metadata --no-deps` reports them (no network, no lock on the package cache).
struct Graph {
    normal: BTreeMap<String, Vec<String>>,
    /// The names of the workspace's crates under `src-tauri/crates/`.
    core: Vec<String>,
}

fn graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut normal = BTreeMap::new();
    let mut core = Vec::new();
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_owned();
        let manifest = package["manifest_path"]
            .as_str()
            .unwrap()
            .replace('\\', "/");
        if manifest.contains("/src-tauri/crates/") {
            core.push(name.clone());
        }
        let deps = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|dep| dep["kind"].is_null())
            .map(|dep| dep["name"].as_str().unwrap().to_owned())
            .collect();
        normal.insert(name, deps);
    }
    Graph { normal, core }
}

impl Graph {
    /// Every package `name` depends on: its own dependencies and, through the workspace's
    /// crates, theirs.
    fn needs(&self, name: &str) -> BTreeSet<String> {
        assert!(
            self.core.iter().any(|core| core == name),
            "{name} is not a crate under src-tauri/crates"
        );
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.to_owned()];
        while let Some(next) = stack.pop() {
            for dep in self.normal.get(&next).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        seen
    }
}

#[test]
fn no_core_crate_depends_on_tauri() {
    let graph = graph();
    assert!(graph.core.len() >= 10, "the core crates were not found");
    for name in &graph.core {
        let tauri: Vec<String> = graph
            .needs(name)
            .into_iter()
            .filter(|name| name == "tauri" || name.starts_with("tauri-"))
            .collect();
        assert!(
            tauri.is_empty(),
            "{name} depends on {tauri:?}: only the app package may know Tauri"
        );
    }
}

#[test]
fn the_model_has_no_runtime_database_or_network() {
    let graph = graph();
    let needs = graph.needs("flowguard-model");
    for forbidden in ["tokio", "rusqlite", "reqwest", "hyper", "axum"] {
        assert!(
            !needs.contains(forbidden),
            "flowguard-model depends on {forbidden}: the model does no I/O"
        );
    }
}

#[test]
fn the_engine_does_not_depend_on_the_emulator() {
    let graph = graph();
    let needs = graph.needs("flowguard-engine");
    for forbidden in ["flowguard-emulator", "axum"] {
        assert!(
            !needs.contains(forbidden),
            "flowguard-engine depends on {forbidden}: demo mode belongs in flowguard-commands"
        );
    }
    // The check sees dependencies: the commands crate does start the emulator.
    let commands = graph.needs("flowguard-commands");
    assert!(commands.contains("flowguard-emulator"));
    assert!(commands.contains("flowguard-engine"));
}
