//! The engine running in the background: a burst of alerts, and the scheduler's clock.

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use common::{enable_seed, eventually, world};
use flowguard_store::runs::RunFilter;

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_1000_alerts_makes_1000_runs_and_no_duplicates() {
    let world = world().await;
    enable_seed(&world.store);
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    // Medium alerts pass the seed's filter and take the "please review" email branch.
    world.emulator.create_alerts_bulk(1000, Some("Medium"));

    let shutdown = CancellationToken::new();
    let serving = tokio::spawn(world.engine.clone().serve(shutdown.clone()));
    let started = Instant::now();
    let store = world.store.clone();
    eventually(Duration::from_secs(120), "1,000 finished runs", || {
        let runs = store
            .list_runs(&RunFilter {
                limit: Some(5000),
                ..RunFilter::default()
            })
            .unwrap();
        if std::env::var_os("FLOWGUARD_TEST_TRACE").is_some() {
            let mut counts = std::collections::BTreeMap::new();
            for run in &runs {
                *counts.entry(run.status.clone()).or_insert(0) += 1;
            }
            eprintln!("{counts:?}");
            if let Some(failed) = runs.iter().find(|r| r.status == "failed") {
                eprintln!("{:?}", store.get_run(&failed.id).unwrap());
            }
        }
        (runs.len() >= 1000 && runs.iter().all(|r| r.status == "succeeded")).then_some(())
    })
    .await;
    eprintln!("1,000 alerts → 1,000 runs in {:?}", started.elapsed());
    // Polls keep happening; nothing is created twice.
    tokio::time::sleep(Duration::from_millis(600)).await;
    shutdown.cancel();
    serving.await.unwrap();

    let runs = world
        .store
        .list_runs(&RunFilter {
            limit: Some(5000),
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(runs.len(), 1000);
    let mut alert_ids: Vec<String> = runs
        .iter()
        .map(|summary| {
            world.store.get_run(&summary.id).unwrap().trigger_payload["alertId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    alert_ids.sort();
    alert_ids.dedup();
    assert_eq!(alert_ids.len(), 1000, "each alert exactly once");
    assert_eq!(
        world
            .store
            .processed_alert_count("isolate-high-severity")
            .unwrap(),
        1000
    );
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_schedule_fires_in_the_right_minute_once() {
    let world = world().await;
    let mut flow = flowguard_model::templates::get("daily-digest").unwrap();
    let trigger = flow.trigger.as_mut().unwrap();
    trigger.inputs.insert("cron".into(), json!("30 8 * * *"));
    trigger
        .inputs
        .insert("timeZone".into(), json!("Europe/Paris"));
    world.store.save_flow(&flow).unwrap();
    world.store.publish(&flow.id).unwrap();
    world.store.set_enabled(&flow.id, true).unwrap();

    // The injectable clock: the scheduler is asked what is due at chosen instants.
    assert_eq!(
        world
            .engine
            .schedule_once(at("2026-11-25T06:00:00Z"))
            .unwrap(),
        0,
        "first look sets the baseline"
    );
    assert_eq!(
        world
            .engine
            .schedule_once(at("2026-11-25T07:29:59Z"))
            .unwrap(),
        0,
        "08:29:59 in Paris"
    );
    assert_eq!(
        world
            .engine
            .schedule_once(at("2026-11-25T07:30:02Z"))
            .unwrap(),
        1,
        "08:30:02 in Paris"
    );
    assert_eq!(
        world
            .engine
            .schedule_once(at("2026-11-25T07:30:40Z"))
            .unwrap(),
        0,
        "never twice for one tick"
    );
    let runs = world.store.list_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 1);
    let run = world.store.get_run(&runs[0].id).unwrap();
    assert_eq!(
        run.trigger_payload["scheduledTime"],
        "2026-11-25T07:30:00.000Z"
    );
    assert_eq!(run.trigger_kind, "schedule");
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_follows_the_saved_setting() {
    let world = world().await;
    let flow_id = enable_seed(&world.store);
    for _ in 0..5 {
        let run_id = world
            .engine
            .enqueue(&flow_id, flowguard_engine::service::sample_trigger(), true)
            .unwrap();
        world
            .store
            .mark_run_finished(&run_id, "succeeded", None)
            .unwrap();
    }
    assert_eq!(
        world.engine.prune().unwrap(),
        0,
        "the default keeps 1,000 runs per flow"
    );
    world
        .store
        .set_setting(
            flowguard_engine::service::RETENTION_SETTING,
            &json!({ "keepRuns": 2 }),
        )
        .unwrap();
    assert_eq!(world.engine.prune().unwrap(), 3);
    assert_eq!(
        world.store.list_runs(&RunFilter::default()).unwrap().len(),
        2
    );
}
