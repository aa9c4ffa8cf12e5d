//! The node-kind registry: for each trigger and step kind, one definition of its palette entry,
//! its input schema, its outputs and the typed input it runs with.
//!
//! Each kind is one file in this folder (`kinds/<kind>.rs`): its id (`KIND`), its place in its
//! palette category (`PALETTE_RANK`), its [`NodeKindSpec`] (`spec()`) and its typed `Input`,
//! which the engine deserialises from the step's resolved inputs ([`typed_input`]). The build
//! script lists the files, so adding a kind is adding its file (see the engine README, "Adding a
//! step kind"). This table drives validation (required inputs, types, enums), the UI's palette
//! and side-panel form (exported through [`node_kinds`] with TypeScript types), and the
//! dynamic-content picker ([`crate::available_outputs`]). What the registry leaves out: how a
//! kind runs (the engine's `steps/<kind>.rs`) and the layout of the form (the UI lays fields out
//! in schema order).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

/// Where a kind sits in the palette (in this order), and whether it is the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
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
    /// For a template field: rendered as HTML, escaping what it inserts, when the input named
    /// first has the value named second (the email body when `bodyFormat` is `html`). Only the
    /// engine's resolver reads it; the UI does not need it.
    #[ts(skip)]
    #[serde(skip)]
    pub html_when: Option<(String, String)>,
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
    /// Whether running it changes the tenant (isolation and such): the UI marks these nodes; the
    /// engine never performs one in a dry run and never resumes one that was in flight at a crash
    /// unless its step kind can find what the earlier attempt did.
    pub changes_tenant: bool,
    /// The Defender (or Graph) application permission running this kind needs, e.g.
    /// `Machine.Isolate`; none for kinds that call nothing.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
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

include!(concat!(env!("OUT_DIR"), "/kinds.rs"));

/// Every kind, in palette order: by category (triggers first), then by each kind's
/// `PALETTE_RANK`, then by id.
pub static REGISTRY: LazyLock<Vec<NodeKindSpec>> = LazyLock::new(|| {
    let mut specs = every_spec();
    specs.sort_by(|(rank_a, a), (rank_b, b)| {
        (a.category, rank_a, &a.kind).cmp(&(b.category, rank_b, &b.kind))
    });
    specs.into_iter().map(|(_, spec)| spec).collect()
});

/// Every node kind, for the UI's palette and forms.
pub fn node_kinds() -> Vec<NodeKindSpec> {
    REGISTRY.clone()
}

/// The kind with this id.
pub fn node_kind(kind: &str) -> Option<&'static NodeKindSpec> {
    REGISTRY.iter().find(|spec| spec.kind == kind)
}

/// Why a node's inputs do not fit its kind's typed input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// A kind's typed input from a node's inputs (resolved for a step, as written for a trigger):
/// a missing or null field takes the spec's default first, so the typed struct never repeats a
/// default. The error names the field in plain words (`missing field \`machineId\``).
pub fn typed_input<T: DeserializeOwned>(
    spec: &NodeKindSpec,
    inputs: &serde_json::Map<String, Value>,
) -> Result<T, InputError> {
    let mut filled = inputs.clone();
    for field in &spec.inputs {
        let missing = filled.get(&field.name).is_none_or(Value::is_null);
        if missing && !field.default.is_null() {
            filled.insert(field.name.clone(), field.default.clone());
        }
    }
    serde_json::from_value(Value::Object(filled)).map_err(|error| InputError(error.to_string()))
}

/// [`typed_input`] from a document's input map (a trigger's inputs).
pub fn typed_document_input<T: DeserializeOwned>(
    spec: &NodeKindSpec,
    inputs: &BTreeMap<String, Value>,
) -> Result<T, InputError> {
    let map = inputs
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    typed_input(spec, &map)
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
        html_when: None,
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
        permission: None,
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
    /// Sets how each port reads on the card.
    fn with_port_labels(mut self, labels: &[&str]) -> Self {
        self.port_labels = labels.iter().map(|label| (*label).to_string()).collect();
        self
    }

    fn with_preview(mut self, preview: Preview) -> Self {
        self.preview = Some(preview);
        self
    }

    /// Names the application permission the kind needs.
    fn needs(mut self, permission: &str) -> Self {
        self.permission = Some(permission.to_string());
        self
    }

    /// Sets how the kind looks: its icon and its card's one-line summary.
    fn look(mut self, icon: &str, card_summary: &str) -> Self {
        self.icon = icon.to_string();
        self.card_summary = card_summary.to_string();
        self
    }
}

// Example values shared by several kinds' outputs.

pub(crate) const ALERT_EXAMPLE_ID: &str = "da637551227677560813_-961444813";
pub(crate) const MACHINE_EXAMPLE_ID: &str = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";

pub(crate) fn alert_example() -> Value {
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
    fn typed_inputs_take_the_specs_defaults() {
        let spec = node_kind(isolate_machine::KIND).unwrap();
        let inputs = serde_json::Map::from_iter([
            ("machineId".to_owned(), json!("m1")),
            ("comment".to_owned(), json!("why")),
        ]);
        let input: isolate_machine::Input = typed_input(spec, &inputs).unwrap();
        assert_eq!(input.isolation_type, isolate_machine::IsolationType::Full);

        let spec = node_kind(alert_created::KIND).unwrap();
        let input: alert_created::Input = typed_document_input(spec, &BTreeMap::new()).unwrap();
        assert_eq!(input.min_severity, "Informational");
        assert!((input.poll_interval_seconds - 60.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_typed_input_error_names_the_field() {
        let spec = node_kind(isolate_machine::KIND).unwrap();
        let inputs = serde_json::Map::from_iter([
            ("machineId".to_owned(), json!("m1")),
            ("isolationType".to_owned(), json!("Partial")),
            ("comment".to_owned(), json!("")),
        ]);
        let error = typed_input::<isolate_machine::Input>(spec, &inputs).unwrap_err();
        assert!(error.to_string().contains("Partial"), "{error}");
        let error = typed_input::<get_alert::Input>(
            node_kind(get_alert::KIND).unwrap(),
            &serde_json::Map::new(),
        );
        // The default template fills it; only an explicit wrong type fails.
        assert!(error.is_ok());
    }

    #[test]
    fn every_enum_value_a_form_offers_is_a_typed_value() {
        for value in isolate_machine::IsolationType::VALUES {
            let typed: isolate_machine::IsolationType =
                serde_json::from_value(json!(value)).unwrap();
            assert_eq!(typed.as_str(), value);
        }
        for value in send_email::MailConnection::VALUES {
            let typed: send_email::MailConnection = serde_json::from_value(json!(value)).unwrap();
            assert_eq!(typed.as_str(), value);
        }
        for value in send_email::BodyFormat::VALUES {
            serde_json::from_value::<send_email::BodyFormat>(json!(value)).unwrap();
        }
        for value in schedule::MissedTicks::VALUES {
            serde_json::from_value::<schedule::MissedTicks>(json!(value)).unwrap();
        }
    }

    #[test]
    fn the_palette_order_is_by_category_then_rank() {
        let ids: Vec<&str> = REGISTRY.iter().map(|spec| spec.kind.as_str()).collect();
        assert_eq!(
            ids[..4],
            ["alert_created", "schedule", "manual", "get_alert"]
        );
        let categories: Vec<Category> = REGISTRY.iter().map(|spec| spec.category).collect();
        assert!(categories.is_sorted());
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
