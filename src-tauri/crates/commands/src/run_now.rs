//! Run now: the flow's **draft** runs on a chosen alert (or a sample), refused while the draft
//! has errors. One rule for the app's Run now and `flowguard run ID`.
//!
//! A real (not dry) run on an alert records the alert as handled by the flow, so the flow's
//! trigger does not start it again (see `Engine::enqueue`). Run now itself always runs when asked.

use flowguard_engine::service::{Engine, sample_trigger};
use flowguard_ipc::{CommandError, Flow, TriggerChoice};
use serde_json::Value;

use crate::flows::{load, refusal};
use crate::{engine_error, invalid};

/// Refuses a flow whose document has errors, naming each in plain words.
pub fn check_runnable(flow: &Flow) -> Result<(), CommandError> {
    let errors: Vec<_> = flowguard_model::validate(flow)
        .into_iter()
        .filter(flowguard_model::Diagnostic::is_error)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(invalid(refusal(&flow.name, "run", &errors)))
    }
}

/// The trigger's outputs for a run: a sample alert, or an alert fetched from the tenant (or the
/// demo emulator) by id.
pub async fn trigger_for(engine: &Engine, choice: &TriggerChoice) -> Result<Value, CommandError> {
    match choice {
        TriggerChoice::Sample => Ok(sample_trigger()),
        TriggerChoice::Alert { alert_id } => {
            let alert = engine
                .defender()
                .get_alert(alert_id)
                .await
                .map_err(|error| invalid(format!("cannot fetch alert {alert_id}: {error}")))?;
            Ok(flowguard_engine::alerts::trigger_outputs(&alert))
        }
    }
}

/// Queues a run of the flow's draft with `trigger` (after [`check_runnable`]) and returns its id.
pub fn enqueue(
    engine: &Engine,
    flow_id: &str,
    trigger: Value,
    dry_run: bool,
) -> Result<String, CommandError> {
    let stored = load(engine.store(), flow_id)?;
    check_runnable(&stored.flow)?;
    let run_id = engine
        .enqueue(flow_id, trigger, dry_run)
        .map_err(engine_error)?;
    tracing::info!(%run_id, flow = %flow_id, dry_run, "Run now");
    Ok(run_id)
}

/// Run now from the app: checks the draft first (no alert is fetched for a flow that cannot run).
pub async fn run_now(
    engine: &Engine,
    flow_id: &str,
    choice: &TriggerChoice,
    dry_run: bool,
) -> Result<String, CommandError> {
    check_runnable(&load(engine.store(), flow_id)?.flow)?;
    let trigger = trigger_for(engine, choice).await?;
    enqueue(engine, flow_id, trigger, dry_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_with_errors_is_refused_naming_the_step_by_title() {
        let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
        assert!(check_runnable(&flow).is_ok());
        let step = flow
            .steps
            .iter_mut()
            .find(|s| s.kind == "send_email")
            .unwrap();
        step.inputs.remove("subject");
        let title = step.title.clone();
        let error = check_runnable(&flow).unwrap_err();
        assert!(
            error.message.starts_with(&format!(
                "“{}” cannot run until its problem is fixed: “{title}”: ",
                flow.name
            )),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("Subject"),
            "the field by its label: {}",
            error.message
        );
    }
}
