//! With no tenant configured, `flowguard run` runs in demo mode against the built-in emulator:
//! Run now's sample alert exists there, so the seed flow isolates its machine and emails.

use std::process::Command;

fn flowguard(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flowguard"))
        .env("FLOWGUARD_DB", dir.join("flowguard.db"))
        .env("FLOWGUARD_DATA_DIR", dir)
        .env("FLOWGUARD_SECRETS", "file")
        .env_remove("FLOWGUARD_TENANT_ID")
        .env_remove("FLOWGUARD_SMTP_URL")
        .env("RUST_LOG", "error")
        .args(args)
        .output()
        .expect("flowguard runs")
}

#[test]
fn the_seed_flow_runs_on_the_sample_alert_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let template = flowguard(dir.path(), &["template", "show", "isolate-high-severity"]);
    assert!(template.status.success());
    let file = dir.path().join("seed.json");
    std::fs::write(&file, &template.stdout).unwrap();
    let import = flowguard(dir.path(), &["flows", "import", file.to_str().unwrap()]);
    assert!(import.status.success(), "{import:?}");

    let run = flowguard(dir.path(), &["run", "isolate-high-severity", "--json"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("demo mode"), "{stderr}");
    assert!(
        run.status.success(),
        "{stderr}\n{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let steps = report["steps"].as_array().expect("steps");
    let status = |id: &str| {
        steps
            .iter()
            .find(|step| step["stepId"] == id || step["step_id"] == id)
            .map(|step| step["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        status("isolate").as_deref(),
        Some("succeeded"),
        "{report:#}"
    );
    assert_eq!(
        status("email_soc").as_deref(),
        Some("succeeded"),
        "{report:#}"
    );
    assert_eq!(
        status("email_review").as_deref(),
        Some("skipped"),
        "{report:#}"
    );
}
