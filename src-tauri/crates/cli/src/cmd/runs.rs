//! `flowguard runs list | show`: past runs and every step's input, output, error and timing.

use std::process::ExitCode;

use clap::Subcommand;

use flowguard_store::Store;
use flowguard_store::runs::RunFilter;

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List runs, newest first.
    List {
        /// Only this flow's runs.
        #[arg(long)]
        flow: Option<String>,
        /// Only runs with this status (queued, running, succeeded, failed, cancelled, interrupted).
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Run a finished run again: from the start with the flow's current version, or from its
    /// failed step with the same version, reusing the earlier steps' outputs.
    Rerun {
        run_id: String,
        /// Start at the failed step instead of the beginning.
        #[arg(long)]
        from_failed_step: bool,
        /// Print the new run as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one run with its steps.
    Show {
        run_id: String,
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &Store, command: &RunsCommand) -> anyhow::Result<ExitCode> {
    match command {
        RunsCommand::List {
            flow,
            status,
            limit,
        } => {
            let runs = store.list_runs(&RunFilter {
                before: None,
                flow_id: flow.clone(),
                status: status.clone(),
                limit: Some(*limit),
            })?;
            if runs.is_empty() {
                println!("no runs");
            }
            for run in runs {
                println!(
                    "{}  {:<11} {:<24} {:<13} {}{}",
                    run.id,
                    run.status,
                    run.flow_id,
                    run.trigger_kind,
                    run.created_at,
                    if run.dry_run { "  (dry run)" } else { "" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RunsCommand::Rerun { .. } => {
            unreachable!("dispatched to run::rerun, which needs the engine")
        }
        RunsCommand::Show { run_id, json } => {
            let run = store.get_run(run_id)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&run)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("run:      {}", run.id);
            println!("flow:     {} (version {})", run.flow_id, run.flow_version);
            println!(
                "status:   {}{}",
                run.status,
                run.reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            println!(
                "trigger:  {}{}",
                run.trigger_kind,
                if run.dry_run { " (dry run)" } else { "" }
            );
            println!("created:  {}", run.created_at);
            println!("started:  {}", run.started_at.as_deref().unwrap_or("-"));
            println!("finished: {}", run.finished_at.as_deref().unwrap_or("-"));
            for step in &run.steps {
                println!(
                    "\n{} {} — {} (attempts {}, {} → {})",
                    match step.status.as_str() {
                        "succeeded" => "✓",
                        "failed" => "✗",
                        "skipped" => "·",
                        _ => "…",
                    },
                    step.step_id,
                    step.status,
                    step.attempts,
                    step.started_at.as_deref().unwrap_or("-"),
                    step.finished_at.as_deref().unwrap_or("-"),
                );
                if let Some(input) = &step.input {
                    println!("  input:  {input}");
                }
                if let Some(output) = &step.output {
                    println!("  output: {output}");
                }
                if let Some(error) = &step.error {
                    println!(
                        "  error:  {} ({})",
                        super::run::text(&error["message"]),
                        super::run::text(&error["code"])
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
