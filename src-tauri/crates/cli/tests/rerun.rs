//! `flowguard run` then `flowguard runs rerun --from-failed-step` against the emulator.

mod common;

use std::process::Output;

use serde_json::json;

use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle, FaultSpec};

fn flowguard(dir: &std::path::Path, emulator: &EmulatorHandle, args: &[&str]) -> Output {
    common::flowguard_against(dir, emulator, emulator.client_secret())
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_run_runs_again_from_its_failed_step() {
    let emulator = Emulator::start(EmulatorConfig {
        alerts: 0,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let alert = emulator.create_alert(json!({ "severity": "High" }));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.flow.json");
    std::fs::write(
        &file,
        flowguard_model::templates::get("isolate-high-severity")
            .unwrap()
            .to_canonical_json(),
    )
    .unwrap();
    emulator.add_fault(FaultSpec {
        path_contains: "/isolate".into(),
        method: Some("POST".into()),
        status: Some(403),
        delay_ms: 0,
        malformed_body: false,
        retry_after: None,
        count: 1,
    });

    let first = flowguard(
        dir.path(),
        &emulator,
        &[
            "run",
            file.to_str().unwrap(),
            "--alert-id",
            alert["id"].as_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(
        first.status.code(),
        Some(1),
        "the run fails: {}",
        String::from_utf8_lossy(&first.stdout)
    );
    let failed: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(failed["status"], "failed");
    let run_id = failed["id"].as_str().unwrap();

    let again = flowguard(
        dir.path(),
        &emulator,
        &["runs", "rerun", run_id, "--from-failed-step", "--json"],
    );
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let rerun: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(rerun["status"], "succeeded");
    assert_eq!(rerun["rerun_of"], run_id);
    assert_eq!(rerun["flow_version"], failed["flow_version"]);
    let step = |id: &str| {
        rerun["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step_id"] == id)
            .cloned()
            .unwrap()
    };
    // The steps before the failure were reused, not run again.
    assert_eq!(
        step("get_alert")["started_at"],
        failed["steps"][0]["started_at"]
    );
    let gets = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/alerts/"))
        .count();
    assert_eq!(gets, 1, "the alert was fetched once, by the first run");
    let isolations: Vec<u16> = emulator
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/isolate"))
        .map(|r| r.status)
        .collect();
    assert_eq!(isolations, [403, 201]);

    let shown = flowguard(dir.path(), &emulator, &["runs", "show", run_id]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("✗ isolate") && text.contains("Forbidden"),
        "{text}"
    );
}

/// `flowguard run ID` refuses a draft with errors as the app's Run now does (one rule, in
/// `flowguard-commands`), naming the step by its title, and sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn run_refuses_a_stored_draft_with_errors_in_plain_words() {
    let emulator = Emulator::start(EmulatorConfig {
        alerts: 0,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let alert = emulator.create_alert(json!({ "severity": "High" }));
    let dir = tempfile::tempdir().unwrap();
    let store = flowguard_store::Store::open(&dir.path().join("flowguard.db")).unwrap();
    let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    let email = flow
        .steps
        .iter_mut()
        .find(|s| s.kind == "send_email")
        .unwrap();
    email.inputs.remove("to");
    let title = email.title.clone();
    store.save_flow(&flow).unwrap();
    drop(store);
    let output = flowguard(
        dir.path(),
        &emulator,
        &["run", &flow.id, "--alert-id", alert["id"].as_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "cannot run until its problem is fixed: “{title}”: To is required"
        )),
        "{text}"
    );
    assert!(
        !emulator
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/isolate")),
        "nothing was sent"
    );
}
