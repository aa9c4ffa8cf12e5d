//! The checks on every value the UI sends live in `flowguard-commands`, so the CLI applies the
//! same ones; the app's commands use them through this name.

pub use flowguard_commands::validate::*;
