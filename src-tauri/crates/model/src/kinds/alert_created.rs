//! New alert: the trigger that starts a run for each new Defender alert passing its filters.
//! The engine's alert poller (one per tenant) reads its typed [`Input`].

use serde::Deserialize;
use serde_json::json;

use super::{
    ALERT_EXAMPLE_ID, Category, FieldSchema, FieldType, MACHINE_EXAMPLE_ID,
    MIN_POLL_INTERVAL_SECONDS, NodeKindSpec, SEVERITIES, ValueType, alert_example, enum_field,
    field, kind, output,
};

pub const KIND: &str = "alert_created";
pub const PALETTE_RANK: u16 = 10;

/// The trigger's inputs (defaults filled from the spec).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// One of [`SEVERITIES`]: alerts below it start no run.
    pub min_severity: String,
    #[serde(default)]
    pub title_contains: Option<String>,
    pub poll_interval_seconds: f64,
}

pub fn spec() -> NodeKindSpec {
    let mut poll = field(
        "pollIntervalSeconds",
        "Poll every (seconds)",
        FieldType::Number,
        false,
        "How often to ask Defender for new alerts.",
    );
    poll.default = json!(60);
    poll.minimum = Some(MIN_POLL_INTERVAL_SECONDS as f64);
    kind(
        KIND,
        "New alert",
        "Starts a run for each new Defender alert that passes the filters.",
        Category::Trigger,
        false,
        vec![
            FieldSchema {
                required: false,
                ..enum_field(
                    "minSeverity",
                    "Minimum severity",
                    &SEVERITIES,
                    "Informational",
                    "Alerts below this severity do not start a run.",
                )
            },
            field(
                "titleContains",
                "Title contains",
                FieldType::Text,
                false,
                "Only alerts whose title contains this text (case-insensitive) start a run.",
            ),
            poll,
        ],
        vec![
            output(
                "alertId",
                "Alert id",
                ValueType::String,
                "The new alert's id.",
                json!(ALERT_EXAMPLE_ID),
            ),
            output(
                "machineId",
                "Machine id",
                ValueType::String,
                "The id of the machine the alert is about.",
                json!(MACHINE_EXAMPLE_ID),
            ),
            output(
                "severity",
                "Severity",
                ValueType::String,
                "Informational, Low, Medium or High.",
                json!("High"),
            ),
            output(
                "title",
                "Alert title",
                ValueType::String,
                "The alert's title.",
                json!("Suspicious PowerShell command line"),
            ),
            output(
                "alert",
                "Alert",
                ValueType::Object,
                "The whole alert as the poll returned it.",
                alert_example(),
            ),
        ],
        &[],
    )
    .needs("Alert.Read.All")
    .look("bell", "Severity {minSeverity} or higher")
}
