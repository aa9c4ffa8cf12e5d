//! `flowguard daemon`: runs every enabled flow until SIGINT or SIGTERM.
//!
//! It holds the database's executor lock (a second daemon, or the app, gets a clear message),
//! writes a rolling log file next to the app's, and on a signal stops polling and scheduling,
//! lets in-flight runs finish for a grace period, and leaves the rest checkpointed in the
//! database for the next start to resume.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use tokio_util::sync::CancellationToken;

use flowguard_engine::lock::ExecutorLock;

use crate::Cli;

#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// Poll for new alerts every this many seconds, whatever the flows say (default: the
    /// smallest interval of the enabled alert flows; also FLOWGUARD_POLL_INTERVAL).
    #[arg(long)]
    pub poll_interval: Option<f64>,
}

pub fn run(cli: &Cli, args: &DaemonArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let database = cli.database_path()?;
        let _lock = ExecutorLock::acquire(&database, "flowguard daemon")?;
        let running =
            super::engine::start(cli, args.poll_interval.map(Duration::from_secs_f64)).await?;
        let enabled = running.store.enabled_flows()?;
        eprintln!(
            "flowguard: daemon running {} enabled flow(s) from {}; stop with Ctrl-C or SIGTERM",
            enabled.len(),
            database.display()
        );
        let shutdown = CancellationToken::new();
        let serving = tokio::spawn(running.engine.clone().serve(shutdown.clone()));
        wait_for_signal().await;
        eprintln!("flowguard: stopping: in-flight runs finish or resume at the next start");
        shutdown.cancel();
        serving.await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
