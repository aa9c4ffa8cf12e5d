//! `flowguard run FILE|ID`: one run, printed step by step; the exit code follows its status.
//!
//! When a daemon already runs flows from this database (it holds the executor lock), the run is
//! queued for it and followed through the database instead of being run here, so one run is
//! never executed by two processes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use serde_json::Value;

use flowguard_engine::events::RunEvent;
use flowguard_engine::lock::{ExecutorLock, LockError};
use flowguard_engine::run::RunStatus;
use flowguard_engine::service::sample_trigger;
use flowguard_store::Store;

use crate::Cli;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A flow file (saved to the database first, as a new version if it changed) or a flow id.
    pub flow: String,
    /// Run for this alert (fetched from the tenant, or the demo emulator). Without it, a sample
    /// alert is used.
    #[arg(long)]
    pub alert_id: Option<String>,
    /// Record what tenant-changing steps would send instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the finished run as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The exit code of a run status: 0 succeeded, 1 failed, 3 interrupted, 4 cancelled.
pub fn exit_code(status: &str) -> ExitCode {
    match status {
        "succeeded" => ExitCode::SUCCESS,
        "interrupted" => ExitCode::from(3),
        "cancelled" => ExitCode::from(4),
        _ => ExitCode::from(1),
    }
}

fn flow_id(store: &Store, argument: &str) -> anyhow::Result<String> {
    let path = PathBuf::from(argument);
    if path.is_file() {
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {argument}"))?;
        let (flow, diagnostics) = flowguard_model::parse_and_validate(&bytes)
            .map_err(|error| anyhow::anyhow!("{argument}: {error}"))?;
        if flowguard_model::has_errors(&diagnostics) {
            let lines: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect();
            anyhow::bail!(
                "{argument} has problems, so it cannot run:\n  {}",
                lines.join("\n  ")
            );
        }
        store.save_flow(&flow)?;
        return Ok(flow.id);
    }
    if store.flow_exists(argument)? {
        return Ok(argument.to_owned());
    }
    anyhow::bail!(
        "{argument} is neither a flow file nor the id of a flow in {}",
        store.path().display()
    )
}

pub fn run(cli: &Cli, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run_async(cli, args))
}

async fn run_async(cli: &Cli, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let database = cli.database_path()?;
    let lock = match ExecutorLock::acquire(&database, "flowguard run") {
        Ok(lock) => Some(lock),
        Err(LockError::Held { .. }) => None,
        Err(error) => return Err(error.into()),
    };
    let running = super::engine::start(cli, Some(Duration::from_secs(3600))).await?;
    let flow_id = flow_id(&running.store, &args.flow)?;
    // The same refusal as the app's Run now (a draft with errors does not run), before any alert
    // is fetched.
    let runnable = flowguard_commands::flows::load(&running.store, &flow_id)
        .and_then(|stored| flowguard_commands::run_now::check_runnable(&stored.flow));
    if let Err(error) = runnable {
        println!("{}", error.message);
        return Ok(ExitCode::from(1));
    }
    let trigger = match &args.alert_id {
        Some(alert_id) => {
            let alert = running
                .engine
                .defender()
                .get_alert(alert_id)
                .await
                .map_err(|error| anyhow::anyhow!("cannot fetch alert {alert_id}: {error}"))?;
            flowguard_engine::alerts::trigger_outputs(&alert)
        }
        None => {
            eprintln!("flowguard: no --alert-id, so the run uses a sample alert");
            sample_trigger()
        }
    };
    let run_id = match flowguard_commands::run_now::enqueue(
        &running.engine,
        &flow_id,
        trigger,
        args.dry_run,
    ) {
        Ok(run_id) => run_id,
        Err(error) => {
            println!("{}", error.message);
            return Ok(ExitCode::from(1));
        }
    };
    eprintln!(
        "flowguard: run {run_id} of flow {flow_id}{}",
        if args.dry_run { " (dry run)" } else { "" }
    );
    see_through(&running, &run_id, lock, args.json).await
}

/// `flowguard runs rerun RUN_ID [--from-failed-step]`: a new run of a finished one.
pub fn rerun(
    cli: &Cli,
    run_id: &str,
    from_failed_step: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let database = cli.database_path()?;
        let lock = match ExecutorLock::acquire(&database, "flowguard runs rerun") {
            Ok(lock) => Some(lock),
            Err(LockError::Held { .. }) => None,
            Err(error) => return Err(error.into()),
        };
        let running = super::engine::start(cli, Some(Duration::from_secs(3600))).await?;
        let new_id = running.engine.rerun(run_id, from_failed_step)?;
        eprintln!(
            "flowguard: run {new_id} runs {run_id} again {}",
            if from_failed_step {
                "from its failed step"
            } else {
                "from the start"
            }
        );
        see_through(&running, &new_id, lock, json).await
    })
}

/// Executes the run here (holding the lock), or follows a daemon executing it, then reports.
async fn see_through(
    running: &super::engine::Running,
    run_id: &str,
    lock: Option<ExecutorLock>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let status = if lock.is_some() {
        let mut events = running.engine.events().subscribe();
        let printer = (!json).then(|| {
            tokio::spawn(async move {
                while let Ok(event) = events.recv().await {
                    print_event(&event);
                    if matches!(event, RunEvent::RunFinished { .. }) {
                        break;
                    }
                }
            })
        });
        let status = running.engine.execute(run_id).await?;
        if let Some(printer) = printer {
            let _ = printer.await;
        }
        status.as_str().to_owned()
    } else {
        eprintln!("flowguard: a daemon is running flows from this database; it runs this one");
        follow(&running.store, run_id, !json).await?
    };
    drop(lock);
    let run = running.store.get_run(run_id)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        println!(
            "run {run_id}: {status}{}",
            run.reason.map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    Ok(exit_code(&status))
}

/// Waits for another process to finish the run, printing steps as they end.
async fn follow(store: &Store, run_id: &str, print: bool) -> anyhow::Result<String> {
    let mut shown = 0;
    loop {
        let run = store.get_run(run_id)?;
        let done: Vec<_> = run
            .steps
            .iter()
            .filter(|step| step.finished_at.is_some())
            .collect();
        if print {
            for step in done.iter().skip(shown) {
                println!("{} {} {}", mark(&step.status), step.step_id, step.status);
            }
        }
        shown = done.len();
        if RunStatus::parse(&run.status).is_some_and(RunStatus::is_finished) {
            return Ok(run.status);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn mark(status: &str) -> &'static str {
    match status {
        "succeeded" => "✓",
        "failed" => "✗",
        "skipped" => "·",
        _ => "…",
    }
}

fn print_event(event: &RunEvent) {
    match event {
        RunEvent::StepStarted {
            step_id, attempt, ..
        } => {
            if *attempt > 1 {
                println!("… {step_id} attempt {attempt}");
            } else {
                println!("… {step_id}");
            }
        }
        RunEvent::StepRetrying {
            step_id,
            delay_ms,
            error,
            ..
        } => {
            println!(
                "↻ {step_id} failed ({error}); retrying in {:.1} s",
                *delay_ms as f64 / 1000.0
            );
        }
        RunEvent::StepFinished {
            step_id,
            status,
            duration_ms,
            ..
        } => {
            println!("{} {step_id} {status} ({duration_ms} ms)", mark(status));
        }
        RunEvent::RunStarted { .. } | RunEvent::RunFinished { .. } => {}
    }
}

/// A value's text for tables.
pub fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}
