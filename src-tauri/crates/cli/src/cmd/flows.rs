//! `flowguard flows …`: the flows in the database, their versions, import and export.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use flowguard_model::{Flow, has_errors, parse_flow};
use flowguard_store::flows::{Imported, OnConflict};
use flowguard_store::{Store, StoreError};

#[derive(Debug, Subcommand)]
pub enum FlowsCommand {
    /// List the flows.
    List,
    /// Show a flow: its state, its version and its problems.
    Show { id: String },
    /// Import a flow file. An existing id needs --replace (a new version) or --as-copy.
    Import {
        file: PathBuf,
        /// Save it as a new version of the existing flow with the same id.
        #[arg(long, conflicts_with = "as_copy")]
        replace: bool,
        /// Import it under a new id.
        #[arg(long)]
        as_copy: bool,
    },
    /// Print a flow as canonical JSON (never with secrets).
    Export {
        id: String,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Delete a flow and its versions (its past runs are kept).
    Delete { id: String },
    /// Turn a flow on: the engine will run it on its trigger. Refused while it has errors.
    Enable { id: String },
    /// Turn a flow off.
    Disable { id: String },
    /// List a flow's saved versions.
    History { id: String },
}

pub fn run(store: &Store, command: &FlowsCommand) -> anyhow::Result<ExitCode> {
    match command {
        FlowsCommand::List => {
            let flows = store.list_flows()?;
            if flows.is_empty() {
                println!(
                    "no flows yet: `flowguard template list`, then `flowguard template show NAME > f.json` and `flowguard flows import f.json`"
                );
            }
            for flow in flows {
                println!(
                    "{:<32} {:<8} v{:<4} {:>2} problem(s)  {}",
                    flow.id,
                    if flow.enabled { "enabled" } else { "disabled" },
                    flow.version,
                    flow.problems,
                    flow.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Show { id } => {
            let stored = store
                .get_flow(id)?
                .with_context(|| format!("there is no flow {id}"))?;
            println!("id:       {}", stored.flow.id);
            println!("name:     {}", stored.flow.name);
            println!("enabled:  {}", stored.flow.enabled);
            println!("version:  {}", stored.version);
            println!(
                "trigger:  {}",
                stored
                    .flow
                    .trigger
                    .as_ref()
                    .map_or("(none)", |t| t.kind.as_str())
            );
            println!(
                "steps:    {}",
                stored
                    .flow
                    .steps
                    .iter()
                    .map(|s| format!("{} ({})", s.id, s.kind))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("updated:  {}", stored.updated_at);
            let diagnostics = flowguard_model::validate(&stored.flow);
            if diagnostics.is_empty() {
                println!("problems: none");
            } else {
                println!("problems:");
                for diagnostic in diagnostics {
                    println!("  {diagnostic}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Import {
            file,
            replace,
            as_copy,
        } => import(store, file, *replace, *as_copy),
        FlowsCommand::Export { id, output } => {
            let stored = store
                .get_flow(id)?
                .with_context(|| format!("there is no flow {id}"))?;
            let text = stored.flow.to_canonical_json();
            match output {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Delete { id } => {
            store.delete_flow(id)?;
            println!("deleted flow {id}");
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Enable { id } => match store.set_enabled(id, true) {
            Ok(()) => {
                println!("enabled flow {id}");
                Ok(ExitCode::SUCCESS)
            }
            Err(flowguard_store::StoreError::InvalidFlow { diagnostics, .. }) => {
                println!("flow {id} cannot be enabled until these problems are fixed:");
                for diagnostic in diagnostics {
                    println!("  {diagnostic}");
                }
                Ok(ExitCode::from(1))
            }
            Err(error) => Err(error.into()),
        },
        FlowsCommand::Disable { id } => {
            store.set_enabled(id, false)?;
            println!("disabled flow {id}");
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::History { id } => {
            for version in store.flow_history(id)? {
                println!(
                    "v{:<4} {}  sha256:{}",
                    version.version, version.saved_at, version.content_hash
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(store: &Store, file: &Path, replace: bool, as_copy: bool) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let parsed = match super::validate::read_flow_file(file) {
        Ok(bytes) => parse_flow(&bytes),
        Err(super::validate::FlowFileError::Io(error)) => {
            anyhow::bail!("cannot read {name}: {error}")
        }
        Err(super::validate::FlowFileError::Parse(error)) => Err(error),
    };
    let flow: Flow = match parsed {
        Ok(flow) => flow,
        Err(error) => {
            println!("{name}: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    let on_conflict = if as_copy {
        OnConflict::Copy
    } else if replace {
        OnConflict::Replace
    } else {
        OnConflict::Fail
    };
    let Imported { flow, outcome } = match store.import_flow(flow, on_conflict) {
        Ok(imported) => imported,
        Err(StoreError::FlowExists(id)) => {
            println!(
                "a flow with id {id} already exists: add --replace to save this file as its next version, \
                 or --as-copy to import it under a new id"
            );
            return Ok(ExitCode::from(1));
        }
        Err(error) => return Err(error.into()),
    };
    let state = if outcome.new_version {
        format!("version {}", outcome.version)
    } else {
        format!("version {} (unchanged)", outcome.version)
    };
    println!("imported flow {} as {state}", flow.id);
    if has_errors(&outcome.diagnostics) {
        println!("it is a draft until these problems are fixed:");
        for diagnostic in outcome.diagnostics.iter().filter(|d| d.is_error()) {
            println!("  {diagnostic}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
