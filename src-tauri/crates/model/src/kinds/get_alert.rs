//! Get alert: reads one alert from Defender (`GET /api/alerts/{id}`). Its outputs are the
//! alert's own fields.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ALERT_EXAMPLE_ID, Category, FieldType, MACHINE_EXAMPLE_ID, NodeKindSpec, ValueType, field,
    kind, output,
};

pub const KIND: &str = "get_alert";
pub const PALETTE_RANK: u16 = 10;

/// The step's resolved inputs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    pub alert_id: String,
}

pub fn spec() -> NodeKindSpec {
    let mut alert_id = field(
        "alertId",
        "Alert id",
        FieldType::Template,
        true,
        "The id of the alert to read.",
    );
    alert_id.default = json!("{{ trigger.alertId }}");
    kind(
        KIND,
        "Get alert",
        "Reads one alert from Defender (GET /api/alerts/{id}).",
        Category::Read,
        false,
        vec![alert_id],
        vec![
            output(
                "id",
                "Alert id",
                ValueType::String,
                "The alert's id.",
                json!(ALERT_EXAMPLE_ID),
            ),
            output(
                "incidentId",
                "Incident id",
                ValueType::Number,
                "The incident the alert belongs to.",
                json!(118),
            ),
            output(
                "title",
                "Title",
                ValueType::String,
                "The alert's title.",
                json!("Suspicious PowerShell command line"),
            ),
            output(
                "description",
                "Description",
                ValueType::String,
                "What Defender saw.",
                json!("A suspicious PowerShell command line was found on the machine."),
            ),
            output(
                "severity",
                "Severity",
                ValueType::String,
                "Informational, Low, Medium or High.",
                json!("High"),
            ),
            output(
                "status",
                "Status",
                ValueType::String,
                "New, InProgress or Resolved.",
                json!("New"),
            ),
            output(
                "classification",
                "Classification",
                ValueType::String,
                "TruePositive, InformationalExpectedActivity, FalsePositive, or empty.",
                json!("TruePositive"),
            ),
            output(
                "determination",
                "Determination",
                ValueType::String,
                "The determination, e.g. Malware.",
                json!("Malware"),
            ),
            output(
                "category",
                "Category",
                ValueType::String,
                "The alert's category, e.g. Execution.",
                json!("Execution"),
            ),
            output(
                "detectionSource",
                "Detection source",
                ValueType::String,
                "What detected it, e.g. WindowsDefenderAtp.",
                json!("WindowsDefenderAtp"),
            ),
            output(
                "threatName",
                "Threat name",
                ValueType::String,
                "The threat's name, when known.",
                json!(""),
            ),
            output(
                "machineId",
                "Machine id",
                ValueType::String,
                "The machine the alert is about.",
                json!(MACHINE_EXAMPLE_ID),
            ),
            output(
                "computerDnsName",
                "Machine name",
                ValueType::String,
                "The machine's DNS name.",
                json!("finance-laptop-07.contoso.com"),
            ),
            output(
                "assignedTo",
                "Assigned to",
                ValueType::String,
                "The owner of the alert.",
                json!("secop@contoso.com"),
            ),
            output(
                "alertCreationTime",
                "Created",
                ValueType::Datetime,
                "When the alert was created.",
                json!("2026-11-25T06:12:44.1234567Z"),
            ),
            output(
                "firstEventTime",
                "First event",
                ValueType::Datetime,
                "The first event that triggered the alert.",
                json!("2026-11-25T06:10:02Z"),
            ),
            output(
                "lastEventTime",
                "Last event",
                ValueType::Datetime,
                "The last event that triggered the alert.",
                json!("2026-11-25T06:11:40Z"),
            ),
            output(
                "lastUpdateTime",
                "Last update",
                ValueType::Datetime,
                "When the alert was last updated.",
                json!("2026-11-25T06:12:44Z"),
            ),
            output(
                "resolvedTime",
                "Resolved",
                ValueType::Datetime,
                "When the alert was resolved, or null.",
                Value::Null,
            ),
            output(
                "investigationId",
                "Investigation id",
                ValueType::Number,
                "The automated investigation, when there is one.",
                json!(10),
            ),
            output(
                "investigationState",
                "Investigation state",
                ValueType::String,
                "The automated investigation's state.",
                json!("Running"),
            ),
            output(
                "mitreTechniques",
                "MITRE techniques",
                ValueType::Array,
                "MITRE ATT&CK technique ids.",
                json!(["T1059.001"]),
            ),
            output(
                "evidence",
                "Evidence",
                ValueType::Array,
                "The alert's evidence entities.",
                json!([]),
            ),
            output(
                "comments",
                "Comments",
                ValueType::Array,
                "The alert's comments.",
                json!([]),
            ),
        ],
        &[],
    )
    .needs("Alert.Read.All")
    .look("alert", "Alert {alertId}")
}
