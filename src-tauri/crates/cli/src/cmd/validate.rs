//! `flowguard validate FILE [--json]`: every problem in a flow file, without a database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use flowguard_model::{MAX_FLOW_BYTES, ParseError, has_errors, parse_and_validate};

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

/// Why a flow file could not be read.
#[derive(Debug)]
pub enum FlowFileError {
    Io(std::io::Error),
    /// Over the model's size limit: refused before it is loaded.
    Parse(ParseError),
}

/// Reads a flow file, never more than one byte past the model's size limit, so a huge file (or
/// `/dev/zero`) is refused as too large instead of filling the memory.
pub fn read_flow_file(path: &std::path::Path) -> Result<Vec<u8>, FlowFileError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(FlowFileError::Io)?;
    let known_size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|metadata| usize::try_from(metadata.len()).ok());
    if let Some(size) = known_size.filter(|size| *size > MAX_FLOW_BYTES) {
        return Err(FlowFileError::Parse(ParseError::TooLarge {
            size,
            limit: MAX_FLOW_BYTES,
        }));
    }
    let mut bytes = Vec::new();
    file.take(u64::try_from(MAX_FLOW_BYTES).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut bytes)
        .map_err(FlowFileError::Io)?;
    if bytes.len() > MAX_FLOW_BYTES {
        return Err(FlowFileError::Parse(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_FLOW_BYTES,
        }));
    }
    Ok(bytes)
}
