//! `cargo fmt` only reaches the modules it can see declared, and the files in `src/steps/` are
//! declared by the build script's generated list (an `include!`), which it does not expand. This
//! test runs rustfmt on them itself, so CI's formatting check covers them too.

use std::process::Command;

#[test]
fn the_files_in_src_steps_are_formatted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/steps");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_owned());
    // rustfmt finds the repository's rustfmt.toml from each file's folder upwards.
    let output = Command::new(&rustfmt)
        .args(["--check", "--edition", "2024"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("{rustfmt} did not start ({e}): rustup component add rustfmt"));
    assert!(
        output.status.success(),
        "run `rustfmt --edition 2024 src/steps/*.rs`:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
