//! `flowguard`: the headless face of Flowguard.
//!
//! Every subcommand lives in its own module under `cmd/` and talks to the same core crates as the
//! desktop app, so what the CLI does and what the app does never drift apart. This file only
//! parses arguments and dispatches.

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Flowguard: automation flows for Microsoft Defender for Endpoint.
#[derive(Debug, Parser)]
#[command(name = "flowguard", version, about, propagate_version = true)]
pub struct Cli {
    /// The SQLite database to use. Defaults to the desktop app's database in the OS data folder.
    #[arg(long, global = true, env = "FLOWGUARD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print where Flowguard keeps its database and logs.
    Paths,
    /// Check a flow file and print every problem (exit 1 when it has errors).
    Validate(cmd::validate::ValidateArgs),
    /// Manage the flows in the database.
    #[command(subcommand)]
    Flows(cmd::flows::FlowsCommand),
    /// The built-in flow templates.
    #[command(subcommand)]
    Template(cmd::template::TemplateCommand),
    /// Run a local emulator of the Defender for Endpoint API and an SMTP sink until Ctrl-C.
    Emulator(cmd::emulator::EmulatorArgs),
    /// Run a flow once (a file or an id), printing each step; the exit code follows the run.
    Run(cmd::run::RunArgs),
    /// Past runs.
    #[command(subcommand)]
    Runs(cmd::runs::RunsCommand),
    /// Run every enabled flow in the background until SIGINT/SIGTERM.
    Daemon(cmd::daemon::DaemonArgs),
}

impl Cli {
    /// Opens the database (creating and migrating it when needed).
    pub fn open_store(&self) -> anyhow::Result<flowguard_store::Store> {
        let path = self.database_path()?;
        Ok(flowguard_store::Store::open(&path)?)
    }

    /// The database path: `--db`, `FLOWGUARD_DB`, or the app's default.
    pub fn database_path(&self) -> anyhow::Result<PathBuf> {
        match &self.db {
            Some(path) => Ok(path.clone()),
            None => Ok(flowguard_store::paths::default_database_path()?),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _telemetry = flowguard_telemetry::init(flowguard_telemetry::Options::cli());
    match cmd::dispatch(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
