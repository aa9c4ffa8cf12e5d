//! Commands for running flows and reading runs: Run now, the alert picker, demo mode's
//! "Simulate alert", run history, a run's detail, rerun and cancel, and the email preview.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Value, json};

use flowguard_engine::service::sample_trigger;
use flowguard_engine::setup::Mode;
use flowguard_ipc::{
    AlertChoice, CommandError, CommandErrorKind, EmailPreview, EngineStatus, Flow, RunDetail,
    RunListItem, RunRequest, TriggerChoice,
};
use flowguard_store::Store;
use flowguard_store::runs::RunFilter;

use crate::host::EngineHost;
use crate::state::AppState;
use crate::validate;

/// How many alerts the Run now dialog offers.
pub const ALERT_CHOICES: usize = 50;
/// How far back the Run now dialog looks for alerts.
pub const ALERT_LOOKBACK_DAYS: i64 = 30;
/// The most runs one history request returns.
pub const MAX_RUNS_LISTED: usize = 500;

const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

fn internal(message: impl std::fmt::Display) -> CommandError {
    CommandError::new(CommandErrorKind::Internal, message.to_string())
}

fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::new(CommandErrorKind::InvalidInput, message)
}

fn store_error(error: flowguard_store::StoreError) -> CommandError {
    match error {
        flowguard_store::StoreError::RunNotFound(id) => CommandError::new(
            CommandErrorKind::NotFound,
            format!("there is no run {id:?}"),
        ),
        flowguard_store::StoreError::FlowNotFound(id) => CommandError::new(
            CommandErrorKind::NotFound,
            format!("there is no flow {id:?}"),
        ),
        other => internal(other),
    }
}

/// The running engine, or why there is none.
pub(crate) async fn with_engine<T>(
    state: &AppState,
    work: impl AsyncFnOnce(&EngineHost) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    {
        let host = state.engine.read().await;
        if let Some(host) = host.as_ref() {
            return work(host).await;
        }
    }
    // The read guard is gone: `status` takes its own (a second read while a restart waits for
    // the write lock would deadlock).
    let status = state.engine.status().await;
    Err(CommandError::new(
        CommandErrorKind::Unavailable,
        status
            .error
            .unwrap_or_else(|| "the engine is not running".to_owned()),
    ))
}

/// Demo mode or a tenant, and whether the engine runs.
#[tauri::command]
pub async fn engine_status(
    state: tauri::State<'_, AppState>,
) -> Result<EngineStatus, CommandError> {
    Ok(state.engine.status().await)
}

/// Run now: queues a run of the flow's draft, with the chosen alert or a sample as the
/// trigger's input, and returns its id (refused while the draft has errors, in plain words; the
/// rule is `flowguard_commands::run_now`'s, shared with `flowguard run`). The run's progress
/// arrives as `run-event` events.
#[tauri::command]
pub async fn run_flow(
    state: tauri::State<'_, AppState>,
    request: RunRequest,
) -> Result<String, CommandError> {
    validate::id("flow id", &request.flow_id)?;
    if let TriggerChoice::Alert { alert_id } = &request.trigger {
        validate::alert_id(alert_id)?;
    }
    with_engine(&state, async |host| {
        flowguard_commands::run_now::run_now(
            &host.engine,
            &request.flow_id,
            &request.trigger,
            request.dry_run,
        )
        .await
    })
    .await
}

fn alert_choice(alert: &Value) -> AlertChoice {
    let text = |name: &str| alert[name].as_str().map(str::to_owned);
    AlertChoice {
        id: text("id").unwrap_or_default(),
        title: text("title").unwrap_or_default(),
        severity: text("severity").unwrap_or_default(),
        status: text("status").unwrap_or_default(),
        machine_id: text("machineId"),
        computer_dns_name: text("computerDnsName"),
        created_at: text("alertCreationTime"),
    }
}

/// The tenant's (or the emulator's) newest alerts, for the Run now dialog.
#[tauri::command]
pub async fn list_alerts(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<AlertChoice>, CommandError> {
    with_engine(&state, async |host| {
        let since = flowguard_engine::alerts::odata_time(
            Utc::now() - chrono::Duration::days(ALERT_LOOKBACK_DAYS),
        );
        let alerts = host
            .engine
            .defender()
            .alerts_created_since(&since)
            .await
            .map_err(|error| internal(format!("cannot list alerts: {error}")))?;
        Ok(alerts
            .iter()
            .rev()
            .take(ALERT_CHOICES)
            .map(alert_choice)
            .collect())
    })
    .await
}

/// Demo mode: creates an alert of `severity` in the built-in emulator, as if Defender had raised
/// it. Enabled alert flows pick it up at their next poll (every two seconds in demo mode).
#[tauri::command]
pub async fn simulate_alert(
    state: tauri::State<'_, AppState>,
    severity: String,
) -> Result<AlertChoice, CommandError> {
    let Some(severity) = SEVERITIES.iter().find(|known| **known == severity) else {
        return Err(invalid(format!(
            "the severity {severity:?} is not one of {}",
            SEVERITIES.join(", ")
        )));
    };
    with_engine(&state, async |host| {
        let Mode::Demo(emulator) = &host.mode else {
            return Err(invalid(
                "Simulate alert works in demo mode only: a real tenant is connected",
            ));
        };
        let title = match *severity {
            "High" => "Ransomware behavior detected on the endpoint",
            "Medium" => "Suspicious PowerShell command line",
            "Low" => "Unwanted software detected",
            _ => "A process reached out to a rare domain",
        };
        let alert = emulator.create_alert(json!({
            "severity": severity,
            "title": title,
            "category": "Execution",
        }));
        tracing::info!(alert = %alert["id"], %severity, "simulated an alert in the demo emulator");
        Ok(alert_choice(&alert))
    })
    .await
}

/// A flow's runs, newest first, optionally of one status, each with its source, alert, machine
/// and what it changed in the tenant.
#[tauri::command]
pub fn list_runs(
    state: tauri::State<'_, AppState>,
    flow_id: String,
    status: Option<String>,
    limit: Option<u32>,
) -> Result<Vec<RunListItem>, CommandError> {
    validate::id("flow id", &flow_id)?;
    let limit = limit
        .map_or(100, |limit| limit as usize)
        .min(MAX_RUNS_LISTED);
    flowguard_commands::activity::list_runs(&state.store, &flow_id, status, limit)
}

/// One run with every step's input, output, error and timing.
#[tauri::command]
pub fn get_run(
    state: tauri::State<'_, AppState>,
    run_id: String,
) -> Result<RunDetail, CommandError> {
    validate::run_id(&run_id)?;
    let run = state.store.get_run(&run_id).map_err(store_error)?;
    flowguard_commands::activity::run_detail(&state.store, run)
}

/// Runs a finished run again: from the start (with the flow's current version) or from its
/// failed step (with the version it ran, reusing the steps before it).
#[tauri::command]
pub async fn rerun_run(
    state: tauri::State<'_, AppState>,
    run_id: String,
    from_failed_step: bool,
) -> Result<String, CommandError> {
    validate::run_id(&run_id)?;
    let run = state.store.get_run(&run_id).map_err(store_error)?;
    if !matches!(
        run.status.as_str(),
        "succeeded" | "failed" | "cancelled" | "interrupted"
    ) {
        return Err(invalid(format!(
            "run {run_id} is {}; it can run again once it has finished",
            run.status
        )));
    }
    if from_failed_step && !run.steps.iter().any(|step| step.status == "failed") {
        return Err(invalid(format!(
            "run {run_id} has no failed step to start from"
        )));
    }
    with_engine(&state, async |host| {
        host.engine
            .rerun(&run_id, from_failed_step)
            .map_err(internal)
    })
    .await
}

/// Asks a running run to stop. False when it is not running (any more).
#[tauri::command]
pub async fn cancel_run(
    state: tauri::State<'_, AppState>,
    run_id: String,
) -> Result<bool, CommandError> {
    validate::run_id(&run_id)?;
    with_engine(&state, async |host| Ok(host.engine.cancel(&run_id))).await
}

/// The data a preview renders against: the flow's newest run that got past the trigger, or a
/// sample alert with plausible step outputs.
fn preview_context(store: &Store, flow: &Flow) -> (Value, String) {
    let newest = store
        .list_runs(&RunFilter {
            flow_id: Some(flow.id.clone()),
            status: None,
            limit: Some(20),
            before: None,
        })
        .unwrap_or_default()
        .into_iter()
        .find(|run| run.status != "queued");
    if let Some(run) = newest.and_then(|summary| store.get_run(&summary.id).ok()) {
        let steps: BTreeMap<String, Value> = run
            .steps
            .iter()
            .filter_map(|step| Some((step.step_id.clone(), step.output.clone()?)))
            .collect();
        let context = flowguard_engine::resolve::context(&run.trigger_payload, &steps);
        return (context, format!("the run of {}", run.created_at));
    }
    let trigger = sample_trigger();
    let kinds = flowguard_model::node_kinds();
    let steps: BTreeMap<String, Value> = flow
        .steps
        .iter()
        .map(|step| {
            // Each kind's outputs with their documented examples; Get Alert returns the sample
            // alert itself, as the engine does when the trigger has just fetched it.
            let mut output: serde_json::Map<String, Value> = kinds
                .iter()
                .find(|spec| spec.kind == step.kind)
                .map(|spec| {
                    spec.outputs
                        .iter()
                        .map(|out| (out.name.clone(), out.example.clone()))
                        .collect()
                })
                .unwrap_or_default();
            if step.kind == "get_alert"
                && let Value::Object(alert) = &trigger["alert"]
            {
                output.extend(alert.clone());
                output.insert("retrievedFrom".to_owned(), json!("trigger"));
            }
            (step.id.clone(), Value::Object(output))
        })
        .collect();
    (
        flowguard_engine::resolve::context(&trigger, &steps),
        "a sample alert".to_owned(),
    )
}

/// Renders a Send Email step's fields against the flow's newest run (or a sample alert), as the
/// engine would when it sends.
#[tauri::command]
pub fn preview_email(
    state: tauri::State<'_, AppState>,
    flow: Flow,
    node_id: String,
) -> Result<EmailPreview, CommandError> {
    crate::commands::check_flow(&flow)?;
    validate::id("node id", &node_id)?;
    render_preview(&state.store, &flow, &node_id)
}

/// [`preview_email`] without Tauri.
pub fn render_preview(
    store: &Store,
    flow: &Flow,
    node_id: &str,
) -> Result<EmailPreview, CommandError> {
    let step = flow
        .steps
        .iter()
        .find(|step| step.id == node_id)
        .ok_or_else(|| invalid(format!("the flow has no step {node_id:?}")))?;
    if step.kind != "send_email" {
        return Err(invalid(format!(
            "step {node_id:?} is a {} step, not Send Email",
            step.kind
        )));
    }
    let spec = flowguard_model::node_kinds()
        .into_iter()
        .find(|spec| spec.kind == "send_email")
        .ok_or_else(|| internal("the Send Email kind is missing"))?;
    let (context, source) = preview_context(store, flow);
    let mut errors = Vec::new();
    let mut field = |name: &str| -> Value {
        let single = flowguard_model::kinds::NodeKindSpec {
            inputs: spec
                .inputs
                .iter()
                .filter(|input| input.name == name)
                .cloned()
                .collect(),
            ..spec.clone()
        };
        let mut inputs = step.inputs.clone();
        inputs.retain(|key, _| key == name || key == "bodyFormat");
        match flowguard_engine::resolve::resolve_inputs(&single, &inputs, &context) {
            Ok(mut resolved) => resolved.remove(name).unwrap_or(Value::Null),
            Err(error) => {
                errors.push(error.to_string());
                Value::Null
            }
        }
    };
    let list = |value: Value| -> String {
        match value {
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Value::String(text) => text,
            _ => String::new(),
        }
    };
    let to = list(field("to"));
    let cc = list(field("cc"));
    let subject = list(field("subject"));
    let body = list(field("body"));
    let html = step.inputs.get("bodyFormat").and_then(Value::as_str) == Some("html");
    Ok(EmailPreview {
        to,
        cc,
        subject,
        body,
        html,
        source,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowguard_store::runs::NewRun;

    fn seed() -> Flow {
        flowguard_model::templates::get("isolate-high-severity").unwrap()
    }

    fn email_step(flow: &Flow) -> String {
        flow.steps
            .iter()
            .find(|step| step.kind == "send_email")
            .unwrap()
            .id
            .clone()
    }

    #[test]
    fn the_preview_renders_the_seed_email_against_a_sample_alert() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        let preview = render_preview(&store, &flow, &email_step(&flow)).unwrap();
        assert_eq!(preview.source, "a sample alert");
        assert!(preview.errors.is_empty(), "{:?}", preview.errors);
        assert!(
            preview
                .subject
                .contains("Suspicious PowerShell command line (sample)")
                || preview
                    .body
                    .contains("Suspicious PowerShell command line (sample)"),
            "{preview:?}"
        );
        assert!(!preview.to.is_empty());
    }

    #[test]
    fn the_preview_uses_the_newest_run_and_names_bad_templates() {
        let store = Store::open_in_memory().unwrap();
        let mut flow = seed();
        store.save_flow(&flow).unwrap();
        let mut alert = sample_trigger();
        alert["title"] = json!("Ransomware on pc-7");
        alert["alert"]["title"] = json!("Ransomware on pc-7");
        let run_id = store
            .create_run(&NewRun {
                flow_id: flow.id.clone(),
                flow_version: 1,
                trigger_kind: "alert_created".into(),
                source: flowguard_model::RunSource::Manual,
                trigger_payload: alert.clone(),
                dry_run: false,
                rerun_of: None,
            })
            .unwrap();
        store.mark_run_started(&run_id).unwrap();
        let id = email_step(&flow);
        let with_run = render_preview(&store, &flow, &id);
        // Steps before the email have no recorded output in this run: their references fail
        // and are named, and whatever uses the trigger renders from the run.
        let with_run = with_run.unwrap();
        assert!(
            with_run.source.starts_with("the run of"),
            "{}",
            with_run.source
        );
        let step = flow.steps.iter_mut().find(|s| s.id == id).unwrap();
        step.inputs
            .insert("subject".into(), json!("{{ trigger.title }} {{ nope.x }}"));
        let broken = render_preview(&store, &flow, &id).unwrap();
        assert!(
            broken
                .errors
                .iter()
                .any(|e| e.starts_with("input subject:")),
            "{:?}",
            broken.errors
        );
    }

    #[test]
    fn the_preview_refuses_a_step_that_is_not_an_email() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        let other = flow.steps.iter().find(|s| s.kind != "send_email").unwrap();
        let error = render_preview(&store, &flow, &other.id).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
    }
}
