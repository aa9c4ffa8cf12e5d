//! `flowguard template list | show NAME`: the built-in flows.

use std::process::ExitCode;

use clap::Subcommand;

use flowguard_model::templates;

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// List the built-in templates.
    List,
    /// Print a template's flow JSON (import it with `flowguard flows import`).
    Show { name: String },
}

pub fn run(command: &TemplateCommand) -> anyhow::Result<ExitCode> {
    match command {
        TemplateCommand::List => {
            for template in templates::list() {
                println!("{:<28} {}", template.name, template.title);
            }
            Ok(ExitCode::SUCCESS)
        }
        TemplateCommand::Show { name } => match templates::get(name) {
            Some(flow) => {
                print!("{}", flow.to_canonical_json());
                Ok(ExitCode::SUCCESS)
            }
            None => {
                let names: Vec<String> = templates::list().into_iter().map(|t| t.name).collect();
                anyhow::bail!(
                    "there is no template called {name:?}; the templates are: {}",
                    names.join(", ")
                )
            }
        },
    }
}
