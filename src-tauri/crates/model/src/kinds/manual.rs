//! Manual: the trigger of a flow that only runs from Run now.

use serde::Deserialize;
use serde_json::json;

use super::{
    ALERT_EXAMPLE_ID, Category, MACHINE_EXAMPLE_ID, NodeKindSpec, ValueType, kind, output,
};

pub const KIND: &str = "manual";
pub const PALETTE_RANK: u16 = 30;

/// The trigger has no inputs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Input {}

pub fn spec() -> NodeKindSpec {
    kind(
        KIND,
        "Manual",
        "Starts a run only from Run now (optionally with a test alert).",
        Category::Trigger,
        false,
        Vec::new(),
        vec![
            output(
                "alertId",
                "Alert id",
                ValueType::String,
                "The test alert's id, when one was given.",
                json!(ALERT_EXAMPLE_ID),
            ),
            output(
                "machineId",
                "Machine id",
                ValueType::String,
                "The test alert's machine id, when one was given.",
                json!(MACHINE_EXAMPLE_ID),
            ),
            output(
                "startedBy",
                "Started by",
                ValueType::String,
                "Who pressed Run now.",
                json!("analyst@contoso.com"),
            ),
        ],
        &[],
    )
    .look("hand", "When you click Run now")
}
