//! Secrets never reach a log line, the database or an export: a run with every log level on,
//! against the emulator configured with a recognisable secret, and a look at everything written.

mod common;

use std::process::Command;

use serde_json::json;

use flowguard_emulator::{Emulator, EmulatorConfig};

const CLIENT_SECRET: &str = "canary-client-secret-7f3a9c";
const SMTP_PASSWORD: &str = "canary-smtp-password-51be";

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_in_logs_database_or_export() {
    let emulator = Emulator::start(EmulatorConfig {
        client_secret: CLIENT_SECRET.to_owned(),
        alerts: 0,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let alert = emulator.create_alert(json!({ "severity": "High" }));
    let dir = tempfile::tempdir().unwrap();
    let flow_file = dir.path().join("seed.flow.json");
    std::fs::write(
        &flow_file,
        flowguard_model::templates::get("isolate-high-severity")
            .unwrap()
            .to_canonical_json(),
    )
    .unwrap();

    let output = common::flowguard_against(dir.path(), &emulator, CLIENT_SECRET)
        .args([
            "run",
            flow_file.to_str().unwrap(),
            "--alert-id",
            alert["id"].as_str().unwrap(),
        ])
        .env(
            "FLOWGUARD_SMTP_URL",
            format!("smtp://soc:{SMTP_PASSWORD}@{}", emulator.smtp_addr()),
        )
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the run succeeds:\n{stdout}\n{}",
        &stderr[stderr.len().saturating_sub(3000)..]
    );
    assert!(
        stderr.contains("TRACE") || stderr.contains("DEBUG"),
        "trace logging was on:
{stderr}"
    );
    // The secrets were used: a token was issued and the SMTP server saw the user log in.
    assert_eq!(emulator.mail()[0].auth_user.as_deref(), Some("soc"));

    for secret in [CLIENT_SECRET, SMTP_PASSWORD] {
        assert!(!stdout.contains(secret), "stdout leaks {secret}");
        assert!(!stderr.contains(secret), "the trace log leaks {secret}");
        for entry in walk(dir.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            let leaked = bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes());
            assert!(!leaked, "{} leaks {secret}", entry.display());
        }
    }
    let export = Command::new(env!("CARGO_BIN_EXE_flowguard"))
        .args(["flows", "export", "isolate-high-severity"])
        .env("FLOWGUARD_DB", dir.path().join("flowguard.db"))
        .output()
        .unwrap();
    let export = String::from_utf8_lossy(&export.stdout);
    assert!(export.contains("isolate-high-severity"));
    assert!(!export.contains(CLIENT_SECRET) && !export.contains(SMTP_PASSWORD));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
