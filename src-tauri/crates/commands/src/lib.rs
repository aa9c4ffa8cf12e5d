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
//!   activity feed, its badge and the notification setting;
//! - [`setup`] and [`demo`]: which connections the engine gets (environment, saved settings, or
//!   demo mode with the in-process emulator), Simulate alert;
//! - [`settings`]: the connections as Settings shows and saves them; [`preview`]: the email
//!   preview; [`validate`]: the checks on ids and values every host applies.

pub mod activity;
pub mod demo;
pub mod flows;
pub mod preview;
pub mod run_now;
pub mod settings;
pub mod setup;
pub mod validate;

use flowguard_ipc::CommandError;
use flowguard_store::StoreError;

pub(crate) fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::invalid(message)
}

pub(crate) fn unavailable(message: impl Into<String>) -> CommandError {
    CommandError::unavailable(message)
}

/// A store error as a command error (the one conversion, `From<StoreError>`).
pub fn store_error(error: StoreError) -> CommandError {
    error.into()
}

/// An engine error as a command error (the one conversion, `From<EngineError>`).
pub fn engine_error(error: flowguard_engine::service::EngineError) -> CommandError {
    error.into()
}
