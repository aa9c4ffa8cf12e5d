//! What Flowguard's commands do, shared by every host: the desktop app's Tauri commands and the
//! `flowguard` CLI call these functions, so a rule (such as "a flow with errors cannot run")
//! lives here once and every host gets it. No Tauri here: a host turns the results into its own
//! output (IPC values for the UI, text or JSON for the CLI).
//!
//! One module per group of commands; each function takes the store or the engine it needs and
//! returns the IPC types of `flowguard-ipc` or a [`flowguard_ipc::CommandError`].
//!
//! - [`flows`]: drafts and publish, version history and diffs, switching on (with the backlog
//!   preview) and off, dry run only;
//! - [`run_now`]: Run now's refusal rule and the trigger it runs with;
//! - [`activity`]: run lists with their source, alert and what they changed in the tenant, the
//!   activity feed, its badge and the notification setting.

pub mod activity;
pub mod flows;
pub mod run_now;

use flowguard_ipc::{CommandError, CommandErrorKind};
use flowguard_store::StoreError;

pub(crate) fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::new(CommandErrorKind::InvalidInput, message)
}

pub(crate) fn internal(message: impl std::fmt::Display) -> CommandError {
    CommandError::new(CommandErrorKind::Internal, message.to_string())
}

pub(crate) fn unavailable(message: impl Into<String>) -> CommandError {
    CommandError::new(CommandErrorKind::Unavailable, message)
}

/// A store error as a command error: not found, refused input, or internal.
pub fn store_error(error: StoreError) -> CommandError {
    let kind = match &error {
        StoreError::FlowNotFound(_)
        | StoreError::VersionNotFound { .. }
        | StoreError::RunNotFound(_) => CommandErrorKind::NotFound,
        StoreError::HasErrors { .. } | StoreError::NotPublished(_) | StoreError::FlowExists(_) => {
            CommandErrorKind::InvalidInput
        }
        _ => CommandErrorKind::Internal,
    };
    let message = match error {
        StoreError::FlowNotFound(id) => format!("there is no flow {id:?}"),
        StoreError::RunNotFound(id) => format!("there is no run {id:?}"),
        StoreError::VersionNotFound { flow_id, version } => {
            format!("flow {flow_id:?} has no version {version}")
        }
        other => other.to_string(),
    };
    CommandError::new(kind, message)
}

/// An engine error as a command error.
pub fn engine_error(error: flowguard_engine::service::EngineError) -> CommandError {
    use flowguard_engine::service::EngineError;
    match error {
        EngineError::Store(error) => store_error(error),
        EngineError::NoSuchFlow(id) => CommandError::new(
            CommandErrorKind::NotFound,
            format!("there is no flow {id:?}"),
        ),
        EngineError::NotPublished(_) => invalid(error.to_string()),
        EngineError::Poll(error) => {
            unavailable(format!("cannot read the alerts from Defender: {error}"))
        }
        other => internal(other),
    }
}
