//! Isolate machine: cuts a machine off the network (`POST /api/machines/{id}/isolate`).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    Category, FieldType, MACHINE_EXAMPLE_ID, NodeKindSpec, ValueType, enum_field, field, kind,
    output,
};

pub const KIND: &str = "isolate_machine";
pub const PALETTE_RANK: u16 = 10;

/// How much of the network an isolation cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IsolationType {
    /// Every connection.
    Full,
    /// Keeps Outlook, Teams and Skype working.
    Selective,
}

impl IsolationType {
    /// The values the form offers, as Defender spells them.
    pub const VALUES: [&str; 2] = ["Full", "Selective"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "Full",
            Self::Selective => "Selective",
        }
    }
}

/// The step's resolved inputs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    pub machine_id: String,
    pub isolation_type: IsolationType,
    /// The analyst's comment; the engine appends the run's marker.
    pub comment: String,
}

pub fn spec() -> NodeKindSpec {
    let mut machine_id = field(
        "machineId",
        "Machine id",
        FieldType::Template,
        true,
        "The id of the machine to isolate.",
    );
    machine_id.default = json!("{{ trigger.machineId }}");
    let mut comment = field(
        "comment",
        "Comment",
        FieldType::Template,
        true,
        "Recorded with the action in Defender's action center.",
    );
    comment.default = json!("Isolated by Flowguard for alert {{ trigger.alertId }}");
    kind(
        KIND,
        "Isolate machine",
        "Isolates a machine from the network (POST /api/machines/{id}/isolate).",
        Category::Action,
        true,
        vec![
            machine_id,
            enum_field(
                "isolationType",
                "Isolation type",
                &IsolationType::VALUES,
                "Full",
                "Full cuts every connection; Selective keeps Outlook, Teams and Skype working.",
            ),
            comment,
        ],
        vec![
            output(
                "actionId",
                "Action id",
                ValueType::String,
                "The machine action's id.",
                json!("b89eb834-4578-496c-8be0-03f004061435"),
            ),
            output(
                "status",
                "Status",
                ValueType::String,
                "Pending, InProgress, Succeeded, Failed, TimeOut or Cancelled.",
                json!("Pending"),
            ),
            output(
                "machineId",
                "Machine id",
                ValueType::String,
                "The isolated machine's id.",
                json!(MACHINE_EXAMPLE_ID),
            ),
        ],
        &[],
    )
    .needs("Machine.Isolate")
    .look("shield", "{isolationType} isolation of {machineId}")
}
