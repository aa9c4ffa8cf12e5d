//! SQLite storage for flows, their versions, runs, step runs, trigger cursors and settings.
//!
//! The desktop app, the CLI and the daemon all open the same database file through this crate.

pub mod paths;
