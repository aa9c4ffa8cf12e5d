//! A condition's unconnected branch simply ends that path: "if High → isolate" with nothing on
//! No is a valid flow, and a Medium alert runs it to success with the Yes path skipped.

mod common;

use chrono::Utc;
use serde_json::json;

use common::{isolations, world};
use flowguard_model::Port;
use flowguard_store::runs::RunFilter;

#[tokio::test(flavor = "multi_thread")]
async fn an_unconnected_no_branch_ends_the_path_and_the_run_succeeds() {
    let world = world().await;
    let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    let review: Vec<String> = flow
        .edges
        .iter()
        .filter(|e| e.port == Some(Port::False))
        .map(|e| e.to.clone())
        .collect();
    flow.edges.retain(|e| e.port != Some(Port::False) && !review.contains(&e.from));
    flow.steps.retain(|s| !review.contains(&s.id));
    flow.layout.retain(|id, _| !review.contains(id));
    assert!(
        !flowguard_model::has_errors(&flowguard_model::validate(&flow)),
        "{:?}",
        flowguard_model::validate(&flow)
    );
    world.store.save_flow(&flow).unwrap();
    world.store.publish(&flow.id).unwrap();
    world.store.set_enabled(&flow.id, true).unwrap();
    world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    world.emulator.create_alert(json!({ "severity": "Medium" }));
    let report = world.engine.poll_alerts_once(Utc::now()).await.unwrap();
    assert_eq!(report.runs_created, 1);
    let runs = world.store.list_runs(&RunFilter::default()).unwrap();
    world.engine.execute(&runs[0].id).await.unwrap();
    let run = world.store.get_run(&runs[0].id).unwrap();
    assert_eq!(run.status, "succeeded", "{run:#?}");
    let status = |id: &str| {
        run.steps
            .iter()
            .find(|s| s.step_id == id)
            .map(|s| s.status.clone())
    };
    assert_eq!(status("is_high").as_deref(), Some("succeeded"));
    assert_eq!(status("isolate").as_deref(), Some("skipped"));
    assert!(isolations(&world.emulator).is_empty());
    assert!(world.emulator.mail().is_empty());
}
