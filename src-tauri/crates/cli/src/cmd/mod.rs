//! One module per subcommand group. Each returns the process exit code it wants.

use std::process::ExitCode;

use crate::{Cli, Command};

mod paths;

pub fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Paths => paths::run(cli),
    }
}
