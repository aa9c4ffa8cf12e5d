//! Release machine from isolation: reconnects an isolated machine to the network
//! (`POST /api/machines/{id}/unisolate`).

use serde::Deserialize;
use serde_json::json;

use super::{
    Category, FieldType, MACHINE_EXAMPLE_ID, NodeKindSpec, ValueType, field, kind, output,
};

pub const KIND: &str = "release_machine";
pub const PALETTE_RANK: u16 = 20;

/// The step's resolved inputs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    pub machine_id: String,
    /// The analyst's comment; the engine appends the run's marker.
    pub comment: String,
}

pub fn spec() -> NodeKindSpec {
    let mut machine_id = field(
        "machineId",
        "Machine id",
        FieldType::Template,
        true,
        "The id of the machine to release from isolation.",
    );
    machine_id.default = json!("{{ trigger.machineId }}");
    let mut comment = field(
        "comment",
        "Comment",
        FieldType::Template,
        true,
        "Recorded with the action in Defender's action center.",
    );
    comment.default = json!("Released by Flowguard for alert {{ trigger.alertId }}");
    kind(
        KIND,
        "Release machine from isolation",
        "Reconnects an isolated machine to the network (POST /api/machines/{id}/unisolate).",
        Category::Action,
        true,
        vec![machine_id, comment],
        vec![
            output(
                "actionId",
                "Action id",
                ValueType::String,
                "The machine action's id.",
                json!("5382f7ea-7557-4ab7-9782-d50480024a4e"),
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
                "The released machine's id.",
                json!(MACHINE_EXAMPLE_ID),
            ),
        ],
        &[],
    )
    .needs("Machine.Isolate")
    .look("unshield", "Release {machineId}")
}
