//! `flowguard flows …`: the flows in the database, their versions (drafts, publish, diff,
//! restore), switching them on and off, import and export. The rules come from
//! `flowguard_commands::flows`, the same functions the app calls.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use flowguard_commands::flows as lifecycle;
use flowguard_ipc::{CommandError, EnableOptions};
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
    /// Turn a flow on: the engine runs its published version on its trigger, from now on (alerts
    /// from before and missed schedule ticks are not started). Needs a published version.
    Enable { id: String },
    /// Turn a flow off.
    Disable { id: String },
    /// Make the draft (the newest version) what background runs use. Refused while it has errors.
    Publish { id: String },
    /// List a flow's saved versions, newest first, marking the published one and the draft.
    Versions { id: String },
    /// What changed between two versions (default: the published version → the draft).
    Diff {
        id: String,
        /// The older version (default: the published one).
        from: Option<i64>,
        /// The newer version (default: the draft).
        to: Option<i64>,
    },
    /// Save an older version as the new draft (publish it to make it live).
    Restore {
        id: String,
        /// The version to restore.
        #[arg(value_name = "VERSION", id = "restore_version")]
        version: i64,
    },
    /// Make every background run of the flow a dry run (`on`) or not (`off`).
    DryRunOnly {
        id: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// List a flow's saved versions, oldest first, with their content hashes.
    History { id: String },
}

/// A refused command: its message, exit code 1.
fn refused(error: &CommandError) -> ExitCode {
    println!("{}", error.message);
    ExitCode::from(1)
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
                let published = match flow.published_version {
                    Some(version) if flow.has_unpublished_changes => {
                        format!("published v{version}, draft v{}", flow.version)
                    }
                    Some(version) => format!("published v{version}"),
                    None => format!("draft v{} (never published)", flow.version),
                };
                println!(
                    "{:<32} {:<8} {:<30} {:>2} problem(s)  {}{}",
                    flow.id,
                    if flow.enabled { "enabled" } else { "disabled" },
                    published,
                    flow.problems,
                    flow.name,
                    if flow.dry_run_only {
                        "  [dry run only]"
                    } else {
                        ""
                    }
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
            println!("version:  {} (the draft)", stored.draft_version);
            println!(
                "published: {}",
                stored.published_version.map_or_else(
                    || "never".to_owned(),
                    |v| if stored.has_unpublished_changes {
                        format!("v{v} (the draft has unpublished changes)")
                    } else {
                        format!("v{v}")
                    }
                )
            );
            println!("dry run only: {}", stored.dry_run_only);
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
                    println!("  {}", diagnostic.sentence);
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
        FlowsCommand::Enable { id } => {
            let runtime = tokio::runtime::Builder::new_current_thread().build()?;
            let enabled = runtime.block_on(lifecycle::set_enabled(
                store,
                None,
                id,
                true,
                &EnableOptions::default(),
            ));
            match enabled {
                Ok(_) => {
                    println!(
                        "enabled flow {id}: it starts for new alerts and ticks from now on (the app's switch shows the backlog)"
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => Ok(refused(&error)),
            }
        }
        FlowsCommand::Disable { id } => {
            store.set_enabled(id, false)?;
            println!("disabled flow {id}");
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Publish { id } => match lifecycle::publish(store, id) {
            Ok(published) if published.changed => {
                println!(
                    "published flow {id} v{}{}",
                    published.published_version,
                    published
                        .previous_version
                        .map(|v| format!(" (was v{v})"))
                        .unwrap_or_default()
                );
                Ok(ExitCode::SUCCESS)
            }
            Ok(published) => {
                println!(
                    "flow {id} v{} is published already",
                    published.published_version
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => Ok(refused(&error)),
        },
        FlowsCommand::Versions { id } => {
            let versions = match lifecycle::versions(store, id) {
                Ok(versions) => versions,
                Err(error) => return Ok(refused(&error)),
            };
            for version in versions {
                let mut marks = Vec::new();
                if version.published {
                    marks.push("published");
                }
                if version.draft {
                    marks.push("draft");
                }
                println!(
                    "v{:<4} {}  {:>2} problem(s)  {}",
                    version.version,
                    version.saved_at,
                    version.problems,
                    marks.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        FlowsCommand::Diff { id, from, to } => match lifecycle::diff(store, id, *from, *to) {
            Ok(diff) => {
                println!("flow {id}: v{} → v{}", diff.from_version, diff.to_version);
                if diff.lines.is_empty() {
                    println!("  no changes");
                }
                for line in diff.lines {
                    println!("  {line}");
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => Ok(refused(&error)),
        },
        FlowsCommand::Restore { id, version } => match lifecycle::restore(store, id, *version) {
            Ok(saved) => {
                println!(
                    "restored v{version} of flow {id} as the draft v{}; `flowguard flows publish {id}` makes it live",
                    saved.version
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => Ok(refused(&error)),
        },
        FlowsCommand::DryRunOnly { id, state } => {
            let on = state == "on";
            match lifecycle::set_dry_run_only(store, id, on) {
                Ok(()) => {
                    println!(
                        "flow {id}: background runs are {}",
                        if on { "dry runs only" } else { "real runs" }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => Ok(refused(&error)),
            }
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
    println!("imported flow {} as the draft {state}", flow.id);
    if has_errors(&outcome.diagnostics) {
        println!("it cannot be published until these problems are fixed:");
        for diagnostic in outcome.diagnostics.iter().filter(|d| d.is_error()) {
            println!("  {}", diagnostic.sentence);
        }
    } else {
        println!(
            "`flowguard flows publish {}` makes it live, then `flowguard flows enable {}`",
            flow.id, flow.id
        );
    }
    Ok(ExitCode::SUCCESS)
}
