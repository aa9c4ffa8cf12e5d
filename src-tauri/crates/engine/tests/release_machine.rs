//! "Release machine from isolation" against the emulator over HTTP, with a SQLite file: it
//! releases, its dry run sends nothing, and a retry releases once.

mod common;

use std::time::Duration;

use serde_json::{Value, json};

use common::{World, client_for, world};
use flowguard_defender::entities::IsolationType;
use flowguard_emulator::FaultSpec;
use flowguard_model::Flow;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn release_flow() -> Flow {
    let (flow, diagnostics) =
        flowguard_model::parse_and_validate(fixture("release-machine.flow.json").as_bytes())
            .unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    flow
}

/// A machine of the emulator's, with an alert about it.
fn machine_with_alert(world: &World) -> (String, String) {
    let alert = world
        .emulator
        .create_alert(json!({ "severity": "High", "title": "Suspicious PowerShell" }));
    (
        alert["machineId"].as_str().unwrap().to_owned(),
        alert["id"].as_str().unwrap().to_owned(),
    )
}

/// The emulator's own view of a machine (`GET /_emulator/machines/{id}`).
async fn emulator_machine(world: &World, machine_id: &str) -> Value {
    reqwest::get(format!(
        "{}/_emulator/machines/{machine_id}",
        world.emulator.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

async fn wait_for_isolation_state(world: &World, machine_id: &str, state: &str) {
    let limit = Duration::from_secs(10);
    let start = std::time::Instant::now();
    loop {
        let machine = emulator_machine(world, machine_id).await;
        if machine["isolationState"] == state {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "the machine never became {state}: {machine:#}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Runs the release flow now for the machine and returns the run id.
async fn run_release(world: &World, machine_id: &str, alert_id: &str, dry_run: bool) -> String {
    let flow = release_flow();
    world.store.save_flow(&flow).unwrap();
    let run_id = world
        .engine
        .enqueue(
            &flow.id,
            json!({ "machineId": machine_id, "alertId": alert_id }),
            dry_run,
        )
        .unwrap();
    world.engine.execute(&run_id).await.unwrap();
    run_id
}

fn unisolate_posts(world: &World) -> Vec<flowguard_emulator::RequestRecord> {
    world
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/unisolate"))
        .collect()
}

/// The machine's Unisolate actions as the emulator holds them.
async fn unisolate_actions(world: &World, machine_id: &str) -> Vec<Value> {
    emulator_machine(world, machine_id).await["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|action| action["type"] == "Unisolate")
        .cloned()
        .collect()
}

/// The run as the store has it, with what changes from one run to the next (ids, times, the
/// machine the emulator picked) replaced by placeholders.
fn normalised_history(world: &World, run_id: &str) -> Value {
    let run = serde_json::to_value(world.store.get_run(run_id).unwrap()).unwrap();
    let mut ids = vec![(run_id.to_owned(), "[run id]")];
    for (value, placeholder) in [
        (&run["trigger_payload"]["machineId"], "[machine id]"),
        (&run["trigger_payload"]["alertId"], "[alert id]"),
        (&run["steps"][0]["output"]["actionId"], "[action id]"),
    ] {
        ids.extend(value.as_str().map(|id| (id.to_owned(), placeholder)));
    }
    normalise(&run, &ids)
}

fn normalise(value: &Value, ids: &[(String, &str)]) -> Value {
    const VARYING: [&str; 6] = [
        "created_at",
        "started_at",
        "finished_at",
        "creationDateTimeUtc",
        "lastUpdateDateTimeUtc",
        "computerDnsName",
    ];
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, field)| {
                    let field = if VARYING.contains(&key.as_str()) && !field.is_null() {
                        json!(format!("[{key}]"))
                    } else {
                        normalise(field, ids)
                    };
                    (key.clone(), field)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| normalise(item, ids)).collect())
        }
        Value::String(text) => {
            let mut text = text.clone();
            for (id, placeholder) in ids.iter().filter(|(id, _)| !id.is_empty()) {
                text = text.replace(id.as_str(), placeholder);
            }
            Value::String(text)
        }
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_after_an_isolation_leaves_the_machine_released() {
    let world = world().await;
    let (machine_id, alert_id) = machine_with_alert(&world);
    client_for(&world.emulator)
        .isolate(&machine_id, "isolated for the test", IsolationType::Full)
        .await
        .unwrap();
    wait_for_isolation_state(&world, &machine_id, "Isolated").await;

    let run_id = run_release(&world, &machine_id, &alert_id, false).await;
    let run = world.store.get_run(&run_id).unwrap();
    assert_eq!(run.status, "succeeded", "{run:#?}");
    let output = run.steps[0].output.clone().unwrap();
    assert_eq!(output["machineId"], machine_id.as_str());
    assert_eq!(output["reusedExistingAction"], false);
    assert!(!output["actionId"].as_str().unwrap().is_empty(), "{output}");

    let posts = unisolate_posts(&world);
    assert_eq!(posts.len(), 1);
    assert!(posts[0].path.contains(&machine_id));
    let comment = posts[0].body.clone().unwrap_or_default()["Comment"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(comment.contains(&alert_id), "{comment}");
    assert!(
        comment.ends_with(&format!("[flowguard run {run_id}]")),
        "the comment ends with the run's marker: {comment}"
    );
    wait_for_isolation_state(&world, &machine_id, "NotIsolated").await;

    // The recorded action has every field Microsoft publishes for a MachineAction.
    let published: Value =
        serde_json::from_str(&fixture("defender/machine-action.response.json")).unwrap();
    for key in published.as_object().unwrap().keys() {
        if key != "@odata.context" {
            assert!(
                output["action"].get(key).is_some(),
                "the action lacks {key}: {output:#}"
            );
        }
    }
    // Keys sorted: serde_json keeps insertion order when a crate in the build enables
    // `preserve_order` (Tauri does), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("release_history", normalised_history(&world, &run_id));
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_records_the_exact_request_and_sends_nothing() {
    let world = world().await;
    let (machine_id, alert_id) = machine_with_alert(&world);
    let run_id = run_release(&world, &machine_id, &alert_id, true).await;
    let run = world.store.get_run(&run_id).unwrap();
    assert_eq!(run.status, "succeeded", "{run:#?}");
    let output = run.steps[0].output.clone().unwrap();
    assert_eq!(output["dryRun"], true);
    assert_eq!(output["request"]["method"], "POST");
    assert_eq!(
        output["request"]["path"],
        format!("/api/machines/{machine_id}/unisolate")
    );
    assert_eq!(
        output["request"]["body"]["Comment"],
        format!(
            "Released by Flowguard: alert {alert_id} was a false positive [flowguard run {run_id}]"
        )
    );
    assert!(unisolate_posts(&world).is_empty(), "nothing was sent");
    assert!(unisolate_actions(&world, &machine_id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_a_500_releases_once() {
    let world = world().await;
    let (machine_id, alert_id) = machine_with_alert(&world);
    world.emulator.add_fault(FaultSpec {
        path_contains: "/unisolate".into(),
        method: Some("POST".into()),
        status: Some(500),
        delay_ms: 0,
        malformed_body: false,
        retry_after: None,
        count: 1,
    });
    let run_id = run_release(&world, &machine_id, &alert_id, false).await;
    let run = world.store.get_run(&run_id).unwrap();
    assert_eq!(run.status, "succeeded", "{run:#?}");
    assert_eq!(run.steps[0].attempts, 2);
    assert_eq!(
        unisolate_posts(&world)
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [500, 201]
    );
    // Before sending again, the retry looked for a release carrying the run's marker.
    assert!(
        world
            .emulator
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.contains("machineactions")),
        "the retry searched the machine's actions"
    );
    let actions = unisolate_actions(&world, &machine_id).await;
    assert_eq!(actions.len(), 1, "released exactly once: {actions:#?}");
}
