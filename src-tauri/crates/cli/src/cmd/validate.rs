//! `flowguard validate FILE [--json]`: every problem in a flow file, without a database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use flowguard_model::{has_errors, parse_and_validate};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The flow file (JSON).
    pub file: PathBuf,
    /// Print the diagnostics as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display().to_string();
    let checked = match read_flow_file(&args.file) {
        Ok(bytes) => Ok(bytes),
        Err(FlowFileError::Io(error)) => anyhow::bail!("cannot read {name}: {error}"),
        Err(FlowFileError::Parse(error)) => Err(error),
    };
    match checked.and_then(|bytes| parse_and_validate(&bytes)) {
        Err(error) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({ "file": name, "error": error, "message": error.to_string() })
                    )?
                );
            } else {
                println!("{name}: {error}");
            }
            Ok(ExitCode::from(1))
        }
        Ok((_, diagnostics)) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&diagnostics)?);
            } else {
                for diagnostic in &diagnostics {
                    println!("{name}: {diagnostic}");
                }
                if diagnostics.is_empty() {
                    println!("{name}: valid");
                }
            }
            Ok(if has_errors(&diagnostics) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

pub use flowguard_store::files::{FlowFileError, read_flow_file};
