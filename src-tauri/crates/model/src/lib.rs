//! The flow document, node kinds, validation and dynamic-content expressions.
//!
//! This crate is pure: no I/O, no async runtime, no Tauri, no database. The store, the engine,
//! the CLI and the desktop app all depend on it, so it is the one place that says what a flow
//! is and whether it is valid. Start with [`parse_and_validate`] and [`Plan::check`] (the
//! checked plan the engine runs); the node kinds live in [`kinds`] (one file per kind), dynamic
//! content in [`expr`], the built-in flows in [`templates`].

pub mod diff;
pub mod expr;
pub mod flow;
pub mod graph;
pub mod kinds;
pub mod parse;
pub mod plan;
pub mod source;
pub mod templates;
pub mod validate;

pub use expr::ExprError;
pub use flow::{
    CURRENT_SCHEMA, Edge, Flow, Port, Position, Step, TRIGGER_ID, Trigger, canonical_json,
};
pub use graph::{AvailableOutput, available_outputs};
pub use kinds::{
    Category, FieldSchema, FieldType, InputError, NodeKindSpec, OutputSpec, Preview, ValueType,
    node_kind, node_kinds, typed_input,
};
pub use parse::{MAX_FLOW_BYTES, ParseError, parse_and_validate, parse_flow};
pub use plan::{Plan, PlanEdge, PlannedStep, PlannedTrigger};
pub use source::RunSource;
pub use templates::TemplateInfo;
pub use validate::{Diagnostic, DiagnosticCode, Severity, has_errors, validate};
