//! Switching a flow on starts from now: alerts from while it was off are its backlog (shown,
//! handled only when asked), an alert it already ran on is not started again, a schedule's
//! missed ticks are not run on enable, and a dry-run-only flow's background runs send nothing.
//! Against the emulator over HTTP, its SMTP server and a SQLite file.

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use common::{enable_seed, eventually, isolations, publish_seed, world};
use flowguard_engine::alerts::trigger_outputs;
use flowguard_model::RunSource;
use flowguard_store::runs::RunFilter;

/// Runs the engine until `count` runs of the database have finished.
async fn serve_until_finished(world: &common::World, count: usize) {
    let shutdown = CancellationToken::new();
    let serving = tokio::spawn(world.engine.clone().serve(shutdown.clone()));
    let store = world.store.clone();
    eventually(Duration::from_secs(60), "the runs to finish", || {
        let runs = store.list_runs(&RunFilter::default()).unwrap();
        (runs.len() >= count
            && runs
                .iter()
                .all(|r| r.status != "queued" && r.status != "running"))
        .then_some(())
    })
    .await;
    shutdown.cancel();
    serving.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_from_while_a_flow_was_off_are_its_backlog_and_run_only_when_asked() {
    let world = world().await;
    let flow_id = publish_seed(&world.store);
    let machines: Vec<String> = ["dc-05", "finance-laptop-07", "hr-desktop-02"]
        .iter()
        .map(|name| {
            world.emulator.create_alert(json!({
                "severity": "High", "title": format!("Ransomware on {name}"),
                "computerDnsName": format!("{name}.contoso.com"),
            }))["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();

    assert!(world.store.set_enabled(&flow_id, true).unwrap());
    let report = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    assert_eq!(report.alerts_seen, 3, "the poll sees them: {report:?}");
    assert_eq!(report.runs_created, 0, "switching on replays nothing");
    assert!(
        world
            .store
            .list_runs(&RunFilter::default())
            .unwrap()
            .is_empty()
    );

    let stored = world.store.published_flow(&flow_id).unwrap().unwrap();
    let backlog = world
        .engine
        .alert_backlog(&stored, Utc::now())
        .await
        .unwrap();
    let mut listed: Vec<String> = backlog
        .alerts
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    let mut expected = machines.clone();
    expected.sort();
    assert_eq!(listed, expected, "the backlog lists the three");

    // What they would do: dry runs of the published version, nothing sent, nothing processed.
    let previews = world
        .engine
        .queue_backlog(&flow_id, &backlog.alerts, true)
        .unwrap();
    assert_eq!(previews.len(), 3);
    serve_until_finished(&world, 3).await;
    assert!(
        isolations(&world.emulator).is_empty(),
        "a preview isolates nothing"
    );
    assert!(world.emulator.mail().is_empty());
    for (_, run_id) in &previews {
        let run = world.store.get_run(run_id).unwrap();
        assert!(run.dry_run);
        assert_eq!(run.source, RunSource::Backlog);
        assert_eq!(run.status, "succeeded", "{run:#?}");
    }
    let again = world
        .engine
        .alert_backlog(&stored, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        again.alerts.len(),
        3,
        "a preview leaves the backlog as it was"
    );

    // "Also handle these 3": three isolations, exactly.
    let handled = world
        .engine
        .queue_backlog(&flow_id, &again.alerts, false)
        .unwrap();
    assert_eq!(handled.len(), 3);
    assert!(
        world
            .engine
            .queue_backlog(&flow_id, &again.alerts, false)
            .unwrap()
            .is_empty(),
        "handling them twice makes no run"
    );
    serve_until_finished(&world, 6).await;
    assert_eq!(isolations(&world.emulator).len(), 3);
    assert_eq!(world.emulator.mail().len(), 3);
    let report = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    assert_eq!(report.runs_created, 0);
    assert!(
        world
            .engine
            .alert_backlog(&stored, Utc::now())
            .await
            .unwrap()
            .alerts
            .is_empty(),
        "handled alerts leave the backlog"
    );
    assert_eq!(isolations(&world.emulator).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alert_run_now_for_real_is_not_started_again_by_the_trigger() {
    let world = world().await;
    let flow_id = enable_seed(&world.store);
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    let alert = world.emulator.create_alert(json!({ "severity": "High" }));
    let alert_id = alert["id"].as_str().unwrap().to_owned();
    let manual = world
        .engine
        .enqueue(&flow_id, trigger_outputs(&alert), false)
        .unwrap();
    assert_eq!(
        world.store.get_run(&manual).unwrap().source,
        RunSource::Manual
    );
    let report = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    assert_eq!(report.alerts_seen, 1);
    assert_eq!(report.runs_created, 0, "the alert was run now already");
    serve_until_finished(&world, 1).await;
    assert_eq!(
        isolations(&world.emulator).len(),
        1,
        "isolated once, by Run now"
    );

    // Off, a new alert, Run now on it: switching on neither runs it nor lists it as backlog.
    world.store.set_enabled(&flow_id, false).unwrap();
    let second = world.emulator.create_alert(json!({ "severity": "High" }));
    let dry = world
        .engine
        .enqueue(&flow_id, trigger_outputs(&second), true)
        .unwrap();
    let stored = world.store.published_flow(&flow_id).unwrap().unwrap();
    let backlog = world
        .engine
        .alert_backlog(&stored, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        backlog.alerts.len(),
        1,
        "a dry Run now does not mark it handled"
    );
    world
        .engine
        .enqueue(&flow_id, trigger_outputs(&second), false)
        .unwrap();
    let backlog = world
        .engine
        .alert_backlog(&stored, Utc::now())
        .await
        .unwrap();
    assert!(backlog.alerts.is_empty(), "{backlog:?}");
    world.store.set_enabled(&flow_id, true).unwrap();
    assert_eq!(
        world
            .engine
            .poll_alerts_once(Utc::now())
            .await
            .unwrap()
            .runs_created,
        0
    );
    serve_until_finished(&world, 3).await;
    assert_eq!(isolations(&world.emulator).len(), 2);
    assert!(world.store.get_run(&dry).unwrap().dry_run);
    assert_ne!(alert_id, second["id"].as_str().unwrap());
}

fn parse(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_schedule_switched_on_after_missed_ticks_waits_for_the_next_one() {
    let world = world().await;
    let mut flow = flowguard_model::templates::get("daily-digest").unwrap();
    let trigger = flow.trigger.as_mut().unwrap();
    trigger.inputs.insert("cron".into(), json!("* * * * *"));
    trigger.inputs.insert("timeZone".into(), json!("UTC"));
    trigger
        .inputs
        .insert("missedTicks".into(), json!("run_once"));
    world.store.save_flow(&flow).unwrap();
    world.store.publish(&flow.id).unwrap();
    world.store.set_enabled(&flow.id, true).unwrap();
    // The injectable clock: the schedule's baseline five minutes ago, then the flow goes off.
    let five_ago = Utc::now() - TimeDelta::minutes(5);
    assert_eq!(
        world.engine.schedule_once(five_ago).unwrap(),
        0,
        "the baseline"
    );
    world.store.set_enabled(&flow.id, false).unwrap();

    let stored = world.store.published_flow(&flow.id).unwrap().unwrap();
    let missed = world
        .engine
        .missed_schedule(&stored, Utc::now())
        .unwrap()
        .expect("a schedule flow");
    assert!(missed.missed >= 3, "{missed:?}");
    assert!(missed.next.unwrap() > Utc::now());

    world.store.set_enabled(&flow.id, true).unwrap();
    let on = parse(
        &world
            .store
            .get_flow(&flow.id)
            .unwrap()
            .unwrap()
            .enabled_at
            .unwrap(),
    );
    assert_eq!(
        world.engine.schedule_once(on).unwrap(),
        0,
        "no run for the ticks missed while off"
    );
    assert!(
        world
            .store
            .list_runs(&RunFilter::default())
            .unwrap()
            .is_empty()
    );
    let next = flowguard_engine::service::schedule_of(&stored.flow)
        .unwrap()
        .unwrap()
        .0
        .next_after(on)
        .unwrap();
    assert_eq!(
        world
            .engine
            .schedule_once(next - TimeDelta::milliseconds(1))
            .unwrap(),
        0
    );
    assert_eq!(
        world
            .engine
            .schedule_once(next + TimeDelta::seconds(1))
            .unwrap(),
        1,
        "the next tick fires"
    );
    let runs = world.store.list_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].source, RunSource::Schedule);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_missed_tick_runs_once_when_asked() {
    let world = world().await;
    let mut flow = flowguard_model::templates::get("daily-digest").unwrap();
    let trigger = flow.trigger.as_mut().unwrap();
    trigger.inputs.insert("cron".into(), json!("* * * * *"));
    trigger.inputs.insert("timeZone".into(), json!("UTC"));
    world.store.save_flow(&flow).unwrap();
    world.store.publish(&flow.id).unwrap();
    world.store.set_enabled(&flow.id, true).unwrap();
    world
        .engine
        .schedule_once(Utc::now() - TimeDelta::minutes(5))
        .unwrap();
    world.store.set_enabled(&flow.id, false).unwrap();
    let run = world.engine.run_missed_tick(&flow.id, Utc::now()).unwrap();
    assert!(run.is_some());
    assert_eq!(
        world.engine.run_missed_tick(&flow.id, Utc::now()).unwrap(),
        None,
        "once"
    );
    let run = world.store.get_run(&run.unwrap()).unwrap();
    assert_eq!(run.source, RunSource::Schedule);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_only_flow_sends_nothing_in_the_background() {
    let world = world().await;
    let flow_id = publish_seed(&world.store);
    world.store.set_dry_run_only(&flow_id, true).unwrap();
    world.store.set_enabled(&flow_id, true).unwrap();
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.create_alert(json!({ "severity": "High" }));
    let report = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    assert_eq!(report.runs_created, 1);
    // A backlog alert handled "for real" is a dry run too.
    world.store.set_enabled(&flow_id, false).unwrap();
    world.emulator.create_alert(json!({ "severity": "High" }));
    let stored = world.store.published_flow(&flow_id).unwrap().unwrap();
    let backlog = world
        .engine
        .alert_backlog(&stored, Utc::now())
        .await
        .unwrap();
    assert_eq!(backlog.alerts.len(), 1);
    world.store.set_enabled(&flow_id, true).unwrap();
    assert_eq!(
        world
            .engine
            .queue_backlog(&flow_id, &backlog.alerts, false)
            .unwrap()
            .len(),
        1
    );
    serve_until_finished(&world, 2).await;
    let runs = world.store.list_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs.iter().all(|r| r.dry_run && r.status == "succeeded"),
        "{runs:?}"
    );
    assert!(isolations(&world.emulator).is_empty(), "nothing isolated");
    assert!(world.emulator.mail().is_empty(), "nothing emailed");
    assert!(
        world
            .store
            .get_flow(&flow_id)
            .unwrap()
            .unwrap()
            .dry_run_only,
        "the setting never changes by itself"
    );
}
