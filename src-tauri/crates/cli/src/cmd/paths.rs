//! `flowguard paths`: where the database and the logs live, so a user can find them.

use std::process::ExitCode;

use crate::Cli;

pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    println!("database: {}", cli.database_path()?.display());
    println!(
        "logs:     {}",
        flowguard_store::paths::log_directory()?.display()
    );
    Ok(ExitCode::SUCCESS)
}
