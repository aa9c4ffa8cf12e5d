//! The seed template end to end against the emulator, its SMTP server and a SQLite file.

mod common;

use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use common::{enable_seed, world};
use flowguard_emulator::FaultSpec;
use flowguard_engine::run::RunStatus;
use flowguard_store::runs::RunFilter;

fn step<'a>(
    run: &'a flowguard_store::runs::RunRow,
    id: &str,
) -> &'a flowguard_store::runs::StepRunRow {
    run.steps
        .iter()
        .find(|s| s.step_id == id)
        .unwrap_or_else(|| panic!("no step {id} in {run:#?}"))
}

/// Polls once and runs the single run that creates.
async fn poll_and_run(world: &common::World) -> flowguard_store::runs::RunRow {
    let report = world
        .engine
        .poll_alerts_once(Utc::now())
        .await
        .expect("the poll succeeds");
    assert_eq!(report.runs_created, 1, "{report:?}");
    let runs = world.store.list_runs(&RunFilter::default()).unwrap();
    let run_id = runs[0].id.clone();
    world.engine.execute(&run_id).await.unwrap();
    world.store.get_run(&run_id).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_high_alert_isolates_the_machine_and_emails_the_soc() {
    let world = world().await;
    enable_seed(&world.store);
    // The first poll only sets the cursor; the alert comes after.
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    let alert = world.emulator.create_alert(json!({
        "severity": "High", "title": "Ransomware behaviour detected", "computerDnsName": "finance-laptop-07.contoso.com",
    }));
    let run = poll_and_run(&world).await;
    assert_eq!(run.status, "succeeded", "{run:#?}");
    assert_eq!(
        step(&run, "get_alert").output.as_ref().unwrap()["retrievedFrom"],
        "trigger"
    );
    assert_eq!(
        step(&run, "is_high").output,
        Some(json!({ "result": true }))
    );
    assert_eq!(step(&run, "email_review").status, "skipped");

    let machine_id = alert["machineId"].as_str().unwrap();
    let isolations: Vec<_> = world
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/isolate"))
        .collect();
    assert_eq!(isolations.len(), 1);
    assert!(isolations[0].path.contains(machine_id));
    let body = isolations[0].body.clone().unwrap_or_default();
    let comment = body["Comment"].as_str().unwrap_or_default();
    assert!(
        comment.contains(alert["id"].as_str().unwrap()),
        "the comment names the alert: {body}"
    );
    assert_eq!(body["IsolationType"], "Full", "{body}");

    let mail = world.emulator.mail();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["soc@contoso.com"]);
    assert!(
        mail[0].body.contains(alert["id"].as_str().unwrap()),
        "{}",
        mail[0].body
    );
    assert!(
        mail[0].body.contains("finance-laptop-07.contoso.com"),
        "{}",
        mail[0].body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_medium_alert_leaves_the_machine_alone() {
    let world = world().await;
    enable_seed(&world.store);
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world
        .emulator
        .create_alert(json!({ "severity": "Medium", "title": "Suspicious sign-in" }));
    let run = poll_and_run(&world).await;
    assert_eq!(run.status, "succeeded", "{run:#?}");
    assert_eq!(
        step(&run, "is_high").output,
        Some(json!({ "result": false }))
    );
    assert_eq!(step(&run, "isolate").status, "skipped");
    assert_eq!(step(&run, "email_soc").status, "skipped");
    assert!(
        world
            .emulator
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/isolate"))
    );
    assert_eq!(world.emulator.mail().len(), 1, "the review email only");
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_429_and_500_are_retried_until_the_isolation_succeeds() {
    let world = world().await;
    enable_seed(&world.store);
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.create_alert(json!({ "severity": "High" }));
    for status in [429, 500] {
        world.emulator.add_fault(FaultSpec {
            path_contains: "/isolate".into(),
            method: Some("POST".into()),
            status: Some(status),
            delay_ms: 0,
            malformed_body: false,
            retry_after: (status == 429).then_some(0),
            count: 1,
        });
    }
    let run = poll_and_run(&world).await;
    assert_eq!(run.status, "succeeded", "{run:#?}");
    assert_eq!(step(&run, "isolate").attempts, 3);
    let sent: Vec<_> = world
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/isolate"))
        .collect();
    assert_eq!(
        sent.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 500, 201]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_injected_400_fails_at_once_with_the_apis_code() {
    let world = world().await;
    enable_seed(&world.store);
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.create_alert(json!({ "severity": "High" }));
    world.emulator.add_fault(FaultSpec {
        path_contains: "/isolate".into(),
        method: Some("POST".into()),
        status: Some(400),
        delay_ms: 0,
        malformed_body: false,
        retry_after: None,
        count: 1,
    });
    let run = poll_and_run(&world).await;
    assert_eq!(run.status, "failed");
    let isolate = step(&run, "isolate");
    assert_eq!(isolate.attempts, 1);
    assert_eq!(
        isolate.error.as_ref().unwrap()["code"],
        "BadRequest",
        "{isolate:#?}"
    );
    assert_eq!(step(&run, "email_soc").status, "skipped");
    assert!(run.reason.unwrap().contains("isolate"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_smtp_server_fails_the_email_step_after_its_retries() {
    let mut emulator_config = common::quiet_emulator();
    emulator_config.alerts = 0;
    let world = common::world_with(emulator_config, common::fast_engine()).await;
    // Point the mailer at a port nothing listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mail = flowguard_engine::mail::MailConnections {
        smtp: Some(common::smtp_to(dead)),
        graph: None,
    };
    let engine = flowguard_engine::service::Engine::new(
        world.store.clone(),
        std::sync::Arc::new(flowguard_engine::live::LiveDefender::new(
            common::client_for(&world.emulator),
        )),
        std::sync::Arc::new(mail),
        flowguard_engine::events::EventBus::new(),
        common::fast_engine(),
    );
    enable_seed(&world.store);
    engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.create_alert(json!({ "severity": "Medium" }));
    assert_eq!(
        engine
            .poll_alerts_once(Utc::now())
            .await
            .unwrap()
            .runs_created,
        1
    );
    let run_id = world.store.list_runs(&RunFilter::default()).unwrap()[0]
        .id
        .clone();
    assert_eq!(engine.execute(&run_id).await.unwrap(), RunStatus::Failed);
    let run = world.store.get_run(&run_id).unwrap();
    let email = step(&run, "email_review");
    assert_eq!(email.attempts, 4, "retried: {email:#?}");
    let error = email.error.as_ref().unwrap();
    assert_eq!(error["code"], "smtp_connection");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains(&dead.to_string()),
        "names the server: {error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_poll_never_moves_the_cursor() {
    let world = world().await;
    enable_seed(&world.store);
    let first = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.add_fault(FaultSpec {
        path_contains: "/alerts".into(),
        method: Some("GET".into()),
        status: Some(500),
        delay_ms: 0,
        malformed_body: false,
        retry_after: None,
        count: 1,
    });
    world.emulator.create_alert(json!({ "severity": "High" }));
    let error = world
        .engine
        .poll_alerts_once(Utc::now() + chrono::TimeDelta::minutes(30))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("polling Defender failed"),
        "{error}"
    );
    assert_eq!(
        world.store.get_cursor("alerts:default").unwrap().unwrap(),
        first.cursor
    );
    // The next poll picks the alert up.
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        world
            .engine
            .poll_alerts_once(Utc::now())
            .await
            .unwrap()
            .runs_created,
        1
    );
}
