//! The node-kind registry: for each trigger and step kind, one definition of its palette entry,
//! its input schema and its outputs.
//!
//! This one table drives validation (required inputs, types, enums), the UI's palette and
//! side-panel form (exported through [`node_kinds`] with TypeScript types), and the
//! dynamic-content picker ([`crate::available_outputs`]). Adding a kind means adding one
//! function here and listing it in [`REGISTRY`]; the engine then adds its executor for the kind
//! id. What the registry leaves out: how a kind runs (that is the engine's and the connectors'
//! business) and the layout of the form (the UI lays fields out in schema order).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

/// Where a kind sits in the palette, and whether it is the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Starts a run; exactly one per flow.
    Trigger,
    /// Reads from the tenant without changing it.
    Read,
    /// Chooses a branch.
    Decision,
    /// Does something: changes the tenant or sends a message.
    Action,
}

/// The type of an input field, which picks the form control and the validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Plain text, no dynamic content.
    Text,
    /// Text with `{{ … }}` dynamic content (a minijinja template).
    Template,
    /// A minijinja expression such as `steps.get_alert.severity == "High"`.
    Expression,
    /// One of `enum_values`.
    Enum,
    /// Email addresses: a JSON array of strings, or one string separated by `,` or `;`. An
    /// entry may be a template (`{{ … }}`), checked at run time.
    EmailList,
    /// A JSON number, at least `minimum` when given.
    Number,
    /// A JSON boolean.
    Bool,
    /// A cron expression (5 fields, or 6 with seconds first).
    Cron,
    /// An IANA time zone such as `Europe/Paris`.
    Timezone,
}

/// One input field of a node kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldSchema {
    /// The key in the node's `inputs`.
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub required: bool,
    /// The allowed values of an `enum` field, in display order; empty otherwise.
    pub enum_values: Vec<String>,
    /// One sentence shown under the field.
    pub help: String,
    /// The value a new node starts with (`null` when none). For an optional field it is also
    /// the value that applies when the document leaves the field out; a required field must be
    /// written in the document (validation reports it missing even when it has a default).
    pub default: Value,
    /// The smallest allowed value of a `number` field.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
}

/// The JSON type of an output value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    String,
    Number,
    Boolean,
    /// An ISO 8601 date-time string.
    Datetime,
    Object,
    Array,
}

/// One output of a node kind, referenced as `trigger.<name>` or `steps.<id>.<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutputSpec {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub value_type: ValueType,
    pub description: String,
    /// A realistic sample value, shown in the picker.
    pub example: Value,
}

/// Everything about one node kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NodeKindSpec {
    /// The id written in flow documents (`"kind": "send_email"`).
    pub kind: String,
    pub title: String,
    pub description: String,
    pub category: Category,
    /// Whether running it changes the tenant (isolation and such): the UI marks these nodes and
    /// the engine guards them against repeats after a crash.
    pub changes_tenant: bool,
    pub inputs: Vec<FieldSchema>,
    pub outputs: Vec<OutputSpec>,
    /// The named output ports (`true`, `false` for a condition); empty for a single output.
    pub ports: Vec<String>,
    /// How each port reads on the card, in the order of `ports` (`Yes`, `No`).
    pub port_labels: Vec<String>,
    /// The icon the UI draws for this kind: a name from the UI's icon set (`ui/src/icons`).
    pub icon: String,
    /// The one line a node card shows under its title: text in which `{input}` stands for the
    /// node's value of that input (e.g. `To: {to}`). Empty: the card shows the description.
    pub card_summary: String,
    /// An extra panel the side panel shows for this kind, when it has one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Preview>,
}

/// An extra panel of the side panel, named by a kind's spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    /// The rendered email (to, cc, subject, body) against the newest run or the examples.
    Email,
}

impl NodeKindSpec {
    /// The schema of the input called `name`.
    pub fn input(&self, name: &str) -> Option<&FieldSchema> {
        self.inputs.iter().find(|field| field.name == name)
    }

    /// The output called `name`.
    pub fn output(&self, name: &str) -> Option<&OutputSpec> {
        self.outputs.iter().find(|output| output.name == name)
    }

    pub fn is_trigger(&self) -> bool {
        self.category == Category::Trigger
    }
}

/// The minimum poll interval of the alert trigger, in seconds. Defender allows about 100 calls a
/// minute per tenant, shared by every flow; polling faster than this gains nothing.
pub const MIN_POLL_INTERVAL_SECONDS: u64 = 30;

/// Alert severities, lowest first (Defender's `severity` values).
pub const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

/// Every kind, in palette order: triggers first.
pub static REGISTRY: LazyLock<Vec<NodeKindSpec>> = LazyLock::new(|| {
    vec![
        alert_created(),
        schedule(),
        manual(),
        get_alert(),
        condition(),
        isolate_machine(),
        send_email(),
    ]
});

/// Every node kind, for the UI's palette and forms.
pub fn node_kinds() -> Vec<NodeKindSpec> {
    REGISTRY.clone()
}

/// The kind with this id.
pub fn node_kind(kind: &str) -> Option<&'static NodeKindSpec> {
    REGISTRY.iter().find(|spec| spec.kind == kind)
}

// Small builders keep each definition readable.

fn field(
    name: &str,
    label: &str,
    field_type: FieldType,
    required: bool,
    help: &str,
) -> FieldSchema {
    FieldSchema {
        name: name.to_string(),
        label: label.to_string(),
        field_type,
        required,
        enum_values: Vec::new(),
        help: help.to_string(),
        default: Value::Null,
        minimum: None,
    }
}

fn enum_field(name: &str, label: &str, values: &[&str], default: &str, help: &str) -> FieldSchema {
    FieldSchema {
        enum_values: values.iter().map(|value| (*value).to_string()).collect(),
        default: json!(default),
        ..field(name, label, FieldType::Enum, true, help)
    }
}

fn output(
    name: &str,
    label: &str,
    value_type: ValueType,
    description: &str,
    example: Value,
) -> OutputSpec {
    OutputSpec {
        name: name.to_string(),
        label: label.to_string(),
        value_type,
        description: description.to_string(),
        example,
    }
}

#[allow(clippy::too_many_arguments)] // One argument per column of the kind's palette entry.
fn kind(
    kind: &str,
    title: &str,
    description: &str,
    category: Category,
    changes_tenant: bool,
    inputs: Vec<FieldSchema>,
    outputs: Vec<OutputSpec>,
    ports: &[&str],
) -> NodeKindSpec {
    NodeKindSpec {
        kind: kind.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        category,
        changes_tenant,
        inputs,
        outputs,
        ports: ports.iter().map(|port| (*port).to_string()).collect(),
        port_labels: Vec::new(),
        icon: String::new(),
        card_summary: String::new(),
        preview: None,
    }
}

impl NodeKindSpec {
    /// Sets how the kind looks: its icon and its card's one-line summary.
    fn with_port_labels(mut self, labels: &[&str]) -> Self {
        self.port_labels = labels.iter().map(|label| (*label).to_string()).collect();
        self
    }

    fn with_preview(mut self, preview: Preview) -> Self {
        self.preview = Some(preview);
        self
    }

    fn look(mut self, icon: &str, card_summary: &str) -> Self {
        self.icon = icon.to_string();
        self.card_summary = card_summary.to_string();
        self
    }
}

const ALERT_EXAMPLE_ID: &str = "da637551227677560813_-961444813";
const MACHINE_EXAMPLE_ID: &str = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";

fn alert_example() -> Value {
    json!({
        "id": ALERT_EXAMPLE_ID,
        "title": "Suspicious PowerShell command line",
        "severity": "High",
        "status": "New",
        "machineId": MACHINE_EXAMPLE_ID,
        "computerDnsName": "finance-laptop-07.contoso.com",
        "category": "Execution",
        "alertCreationTime": "2026-11-25T06:12:44.1234567Z",
    })
}

fn alert_created() -> NodeKindSpec {
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
        "alert_created",
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
    .look("bell", "Severity {minSeverity} or higher")
}

fn schedule() -> NodeKindSpec {
    let mut cron = field(
        "cron",
        "Cron expression",
        FieldType::Cron,
        true,
        "When to run, e.g. `0 8 * * 1-5` for 08:00 on weekdays.",
    );
    cron.default = json!("0 8 * * *");
    let mut time_zone = field(
        "timeZone",
        "Time zone",
        FieldType::Timezone,
        true,
        "The IANA time zone the cron expression is read in, e.g. Europe/Paris.",
    );
    time_zone.default = json!("UTC");
    kind(
        "schedule",
        "Schedule",
        "Starts a run on a cron schedule.",
        Category::Trigger,
        false,
        vec![
            cron,
            time_zone,
            enum_field(
                "missedTicks",
                "Missed runs",
                &["run_once", "skip"],
                "run_once",
                "When the app was not running at a scheduled time: run once on start, or skip.",
            ),
        ],
        vec![
            output(
                "scheduledTime",
                "Scheduled time",
                ValueType::Datetime,
                "The tick this run is for (UTC).",
                json!("2026-11-25T08:00:00Z"),
            ),
            output(
                "firedTime",
                "Fired time",
                ValueType::Datetime,
                "When the run actually started (UTC).",
                json!("2026-11-25T08:00:01Z"),
            ),
        ],
        &[],
    )
    .look("clock", "{cron} ({timeZone})")
}

fn manual() -> NodeKindSpec {
    kind(
        "manual",
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

fn get_alert() -> NodeKindSpec {
    let mut alert_id = field(
        "alertId",
        "Alert id",
        FieldType::Template,
        true,
        "The id of the alert to read.",
    );
    alert_id.default = json!("{{ trigger.alertId }}");
    kind(
        "get_alert",
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
    .look("alert", "Alert {alertId}")
}

fn condition() -> NodeKindSpec {
    let mut expression = field(
        "expression",
        "Condition",
        FieldType::Expression,
        true,
        "An expression such as steps.get_alert.severity == \"High\"; true follows the true branch.",
    );
    expression.default = json!("steps.get_alert.severity == \"High\"");
    kind(
        "condition",
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

fn isolate_machine() -> NodeKindSpec {
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
        "isolate_machine",
        "Isolate machine",
        "Isolates a machine from the network (POST /api/machines/{id}/isolate).",
        Category::Action,
        true,
        vec![
            machine_id,
            enum_field(
                "isolationType",
                "Isolation type",
                &["Full", "Selective"],
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
    .look("shield", "{isolationType} isolation of {machineId}")
}

fn send_email() -> NodeKindSpec {
    let mut body_format = enum_field(
        "bodyFormat",
        "Body format",
        &["text", "html"],
        "text",
        "Plain text or HTML.",
    );
    body_format.required = false;
    kind(
        "send_email",
        "Send email",
        "Sends an email over SMTP or Microsoft Graph.",
        Category::Action,
        false,
        vec![
            field(
                "to",
                "To",
                FieldType::EmailList,
                true,
                "Recipients, separated by commas.",
            ),
            field(
                "cc",
                "Cc",
                FieldType::EmailList,
                false,
                "Copy recipients, separated by commas.",
            ),
            field(
                "subject",
                "Subject",
                FieldType::Template,
                true,
                "The subject line.",
            ),
            field(
                "body",
                "Body",
                FieldType::Template,
                true,
                "The message; HTML bodies escape inserted values.",
            ),
            body_format,
            enum_field(
                "connection",
                "Send with",
                &["smtp", "graph"],
                "smtp",
                "The mail connection configured in Settings.",
            ),
        ],
        vec![
            output(
                "messageId",
                "Message id",
                ValueType::String,
                "The sent message's id.",
                json!("<20261125061300.1@flowguard.local>"),
            ),
            output(
                "recipients",
                "Recipients",
                ValueType::Array,
                "Every address the message went to.",
                json!(["soc@contoso.com"]),
            ),
        ],
        &[],
    )
    .with_preview(Preview::Email)
    .look("mail", "To: {to}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_ids_are_unique_and_snake_case() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|spec| spec.kind.as_str()).collect();
        assert!(
            ids.iter()
                .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), REGISTRY.len());
    }

    #[test]
    fn enum_defaults_are_allowed_values() {
        for spec in REGISTRY.iter() {
            for field in &spec.inputs {
                if field.field_type == FieldType::Enum {
                    let default = field.default.as_str().unwrap_or_default();
                    assert!(
                        field.enum_values.iter().any(|value| value == default),
                        "{}.{}",
                        spec.kind,
                        field.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_has_an_icon_and_a_label_per_port() {
        for spec in REGISTRY.iter() {
            assert!(!spec.icon.is_empty(), "{} has no icon", spec.kind);
            assert_eq!(spec.ports.len(), spec.port_labels.len(), "{}", spec.kind);
        }
    }

    #[test]
    fn only_the_condition_has_ports() {
        let with_ports: Vec<&str> = REGISTRY
            .iter()
            .filter(|spec| !spec.ports.is_empty())
            .map(|spec| spec.kind.as_str())
            .collect();
        assert_eq!(with_ports, ["condition"]);
    }
}
