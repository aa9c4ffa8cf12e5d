//! Commands for running flows and reading runs: Run now, the alert picker, demo mode's
//! "Simulate alert", run history, a run's detail, rerun and cancel, and the email preview.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use chrono::Utc;

use flowguard_commands::setup::Mode;
use flowguard_ipc::{
    AlertChoice, CommandError, EmailPreview, EngineStatus, Flow, RunDetail, RunListItem,
    RunRequest, TriggerChoice,
};

use crate::host::EngineHost;
use crate::state::AppState;
use crate::validate;

/// How many alerts the Run now dialog offers.
pub const ALERT_CHOICES: usize = 50;
/// How far back the Run now dialog looks for alerts.
pub const ALERT_LOOKBACK_DAYS: i64 = 30;
/// The most runs one history request returns.
pub const MAX_RUNS_LISTED: usize = 500;

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
    Err(CommandError::unavailable(
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
            .map_err(|error| CommandError::internal(format!("cannot list alerts: {error}")))?;
        Ok(alerts
            .iter()
            .rev()
            .take(ALERT_CHOICES)
            .map(flowguard_commands::demo::alert_choice)
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
    with_engine(&state, async |host| {
        let emulator = match &host.mode {
            Mode::Demo(emulator) => Some(emulator),
            Mode::Tenant { .. } => None,
        };
        flowguard_commands::demo::simulate_alert(emulator, &severity)
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
    let run = state.store.get_run(&run_id)?;
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
    let run = state.store.get_run(&run_id)?;
    if !matches!(
        run.status.as_str(),
        "succeeded" | "failed" | "cancelled" | "interrupted"
    ) {
        return Err(CommandError::invalid(format!(
            "run {run_id} is {}; it can run again once it has finished",
            run.status
        )));
    }
    if from_failed_step && !run.steps.iter().any(|step| step.status == "failed") {
        return Err(CommandError::invalid(format!(
            "run {run_id} has no failed step to start from"
        )));
    }
    with_engine(&state, async |host| {
        host.engine
            .rerun(&run_id, from_failed_step)
            .map_err(CommandError::internal)
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
    flowguard_commands::preview::email(&state.store, &flow, &node_id)
}
