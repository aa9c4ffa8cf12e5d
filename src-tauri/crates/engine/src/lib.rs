//! Runs flows: turns trigger events into runs and runs every step, persisting each one, so that
//! each alert is handled once, a crash loses nothing, and every decision can be inspected.

pub mod alerts;
pub mod connectors;
pub mod events;
pub mod executor;
#[cfg(test)]
mod executor_tests;
pub mod graph;
pub mod live;
pub mod lock;
pub mod mail;
pub mod resolve;
pub mod retry;
pub mod run;
pub mod schedule;
pub mod service;
pub mod sqlite;
pub mod steps;
