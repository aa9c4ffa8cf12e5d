//! Condition: follows its `true` or its `false` port, by the truth of an expression.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Category, FieldType, NodeKindSpec, ValueType, field, kind, output};

pub const KIND: &str = "condition";
pub const PALETTE_RANK: u16 = 10;

/// The step's resolved inputs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// What the expression evaluated to (read with Jinja truthiness).
    pub expression: Value,
}

pub fn spec() -> NodeKindSpec {
    let mut expression = field(
        "expression",
        "Condition",
        FieldType::Expression,
        true,
        "An expression such as steps.get_alert.severity == \"High\"; true follows the true branch.",
    );
    expression.default = json!("steps.get_alert.severity == \"High\"");
    kind(
        KIND,
        "Condition",
        "Follows the true or the false branch.",
        Category::Decision,
        false,
        vec![expression],
        vec![output(
            "result",
            "Result",
            ValueType::Boolean,
            "What the condition evaluated to.",
            json!(true),
        )],
        &["true", "false"],
    )
    .with_port_labels(&["Yes", "No"])
    .look("branch", "{expression}")
}
