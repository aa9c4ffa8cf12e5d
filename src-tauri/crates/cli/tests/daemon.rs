//! `flowguard daemon` as a real process against the emulator (in this test process), its SMTP
//! server and a SQLite file: latency from alert to isolation, a second daemon refused, and a
//! SIGKILL in the middle of a burst that loses no alert and isolates no machine twice.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use flowguard_store::Store;
use flowguard_store::runs::RunFilter;

fn daemon(dir: &Path, emulator: &EmulatorHandle) -> Command {
    let mut command = common::flowguard_against(dir, emulator, emulator.client_secret());
    command
        .args(["daemon", "--poll-interval", "0.2"])
        // Polling every 200 ms would spend the documented 100 calls a minute on polls alone.
        .env("FLOWGUARD_RATE_LIMITS", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn stop(mut child: Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the daemon did not stop within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn isolations_for(emulator: &EmulatorHandle, machine_id: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST"
                && r.path.ends_with("/isolate")
                && r.path.contains(machine_id)
                && r.status == 201
        })
        .count()
}

async fn setup() -> (EmulatorHandle, tempfile::TempDir) {
    let emulator = Emulator::start(EmulatorConfig {
        alerts: 0,
        action_delay: Duration::from_millis(300),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("flowguard.db")).unwrap();
    let flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    store.save_flow(&flow).unwrap();
    store.publish(&flow.id).unwrap();
    store.set_enabled(&flow.id, true).unwrap();
    (emulator, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_isolates_within_one_poll_interval_and_refuses_a_twin() {
    let (emulator, dir) = setup().await;
    let first = daemon(dir.path(), &emulator).spawn().unwrap();
    // Let it take the lock and set its cursor.
    tokio::time::sleep(Duration::from_millis(800)).await;

    let twin = daemon(dir.path(), &emulator).output().unwrap();
    assert!(!twin.status.success());
    let message = String::from_utf8_lossy(&twin.stderr);
    assert!(message.contains("already running flows from"), "{message}");
    assert!(message.contains("flowguard daemon, pid"), "{message}");

    let created = Instant::now();
    let alert = emulator
        .create_alert(json!({ "severity": "High", "computerDnsName": "latency-01.contoso.com" }));
    let machine_id = alert["machineId"].as_str().unwrap().to_owned();
    wait_for(Duration::from_secs(20), "the isolation", || {
        (isolations_for(&emulator, &machine_id) == 1).then_some(())
    })
    .await;
    let latency = created.elapsed();
    eprintln!(
        "alert created → machine isolated by the daemon in {latency:?} (poll interval 200 ms)"
    );
    assert_eq!(
        stop(first).code(),
        Some(0),
        "SIGTERM stops the daemon cleanly"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_killed_in_a_burst_loses_no_alert_and_isolates_no_machine_twice() {
    const ALERTS: usize = 150;
    let (emulator, dir) = setup().await;
    let store = Store::open(&dir.path().join("flowguard.db")).unwrap();
    let mut first = daemon(dir.path(), &emulator).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;

    let mut machines = Vec::new();
    for index in 0..ALERTS {
        let alert = emulator.create_alert(json!({ "severity": "High", "computerDnsName": format!("burst-{index:03}.contoso.com") }));
        machines.push(alert["machineId"].as_str().unwrap().to_owned());
    }
    // Kill it once some runs are done and many are not.
    wait_for(Duration::from_secs(60), "the first finished runs", || {
        let done = store
            .list_runs(&RunFilter {
                status: Some("succeeded".into()),
                limit: Some(10_000),
                ..RunFilter::default()
            })
            .unwrap();
        (done.len() >= 20).then_some(())
    })
    .await;
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = store
        .list_runs(&RunFilter {
            limit: Some(10_000),
            ..RunFilter::default()
        })
        .unwrap();
    let unfinished = at_kill
        .iter()
        .filter(|r| r.status == "queued" || r.status == "running")
        .count();
    eprintln!(
        "killed with SIGKILL: {} runs created, {unfinished} unfinished",
        at_kill.len()
    );

    let second = daemon(dir.path(), &emulator).spawn().unwrap();
    let started = Instant::now();
    wait_for(
        Duration::from_secs(120),
        "every alert's run to finish",
        || {
            let runs = store
                .list_runs(&RunFilter {
                    limit: Some(10_000),
                    ..RunFilter::default()
                })
                .unwrap();
            (runs.len() >= ALERTS
                && runs
                    .iter()
                    .all(|r| r.status != "queued" && r.status != "running"))
            .then_some(())
        },
    )
    .await;
    eprintln!(
        "restarted daemon finished the burst in {:?}",
        started.elapsed()
    );
    assert_eq!(stop(second).code(), Some(0));

    let runs = store
        .list_runs(&RunFilter {
            limit: Some(10_000),
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(
        runs.len(),
        ALERTS,
        "one run per alert, none lost, none doubled"
    );
    assert_eq!(
        store
            .processed_alert_count("isolate-high-severity")
            .unwrap(),
        ALERTS as i64
    );
    // A run whose email was in flight at the kill is interrupted, not resent: an email cannot be
    // looked up afterwards. Every other run succeeded.
    let interrupted: Vec<_> = runs.iter().filter(|r| r.status == "interrupted").collect();
    for run in &interrupted {
        let reason = run.reason.clone().unwrap_or_default();
        assert!(
            reason.contains("sending its email"),
            "interrupted for the email only: {reason}"
        );
    }
    let succeeded = runs.iter().filter(|r| r.status == "succeeded").count();
    assert_eq!(
        succeeded + interrupted.len(),
        ALERTS,
        "every run succeeded or stopped at its email: {runs:#?}"
    );
    eprintln!(
        "{succeeded} runs succeeded, {} interrupted at their email",
        interrupted.len()
    );
    for machine_id in &machines {
        assert_eq!(
            isolations_for(&emulator, machine_id),
            1,
            "machine {machine_id} isolated exactly once"
        );
    }
    let mail = emulator.mail().len();
    assert!(
        mail >= succeeded && mail <= ALERTS,
        "{mail} emails for {succeeded} succeeded runs"
    );
}
