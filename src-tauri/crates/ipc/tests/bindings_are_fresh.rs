//! Fails when `ui/src/ipc/bindings/` no longer matches the Rust types, so the UI never compiles
//! against stale types. Fix with `cargo run -p flowguard-ipc --bin generate-bindings`.

use std::collections::BTreeMap;
use std::path::Path;

fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    files
}

#[test]
fn committed_bindings_match_the_rust_types() {
    let fresh = tempfile::tempdir().unwrap();
    flowguard_ipc::export_bindings(fresh.path()).unwrap();
    let expected = read_tree(fresh.path());
    assert!(
        expected.contains_key("AppInfo.ts"),
        "the generator wrote {:?}",
        expected.keys()
    );

    let committed_dir = flowguard_ipc::repository_root().join(flowguard_ipc::BINDINGS_DIRECTORY);
    let committed = read_tree(&committed_dir);

    let stale: Vec<&String> = expected
        .iter()
        .filter(|(name, text)| committed.get(*name) != Some(text))
        .map(|(name, _)| name)
        .collect();
    let extra: Vec<&String> = committed
        .keys()
        .filter(|name| !expected.contains_key(*name))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/ipc/bindings is stale (changed or missing: {stale:?}; no longer generated: {extra:?}). \
         Run `cargo run -p flowguard-ipc --bin generate-bindings` and commit the result."
    );
}
