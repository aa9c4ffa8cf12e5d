//! What Flowguard's commands do, shared by every host: the desktop app's Tauri commands and the
//! `flowguard` CLI call these functions, so a rule (such as "a flow with errors cannot run")
//! lives here once and every host gets it. No Tauri here: a host turns the results into its own
//! output (IPC values for the UI, text or JSON for the CLI).
//!
//! One module per group of commands; each function takes the store or the engine it needs and
//! returns the IPC types of `flowguard-ipc` or a [`flowguard_ipc::CommandError`].

pub mod demo;
pub mod preview;
pub mod settings;
pub mod setup;
pub mod validate;
