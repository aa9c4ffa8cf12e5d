//! One module per subcommand group. Each returns the process exit code it wants.

use std::process::ExitCode;

use crate::{Cli, Command};

pub mod daemon;
pub mod emulator;
mod engine;
pub mod flows;
mod paths;
pub mod run;
pub mod runs;
pub mod template;
pub mod validate;

pub fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Paths => paths::run(cli),
        Command::Validate(args) => validate::run(args),
        Command::Flows(command) => flows::run(&cli.open_store()?, command),
        Command::Template(command) => template::run(command),
        Command::Emulator(args) => emulator::run(args),
        Command::Run(args) => run::run(cli, args),
        Command::Runs(runs::RunsCommand::Rerun {
            run_id,
            from_failed_step,
            json,
        }) => run::rerun(cli, run_id, *from_failed_step, *json),
        Command::Runs(command) => runs::run(&cli.open_store()?, command),
        Command::Daemon(args) => daemon::run(cli, args),
    }
}
