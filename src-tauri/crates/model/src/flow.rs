//! The flow document: the one versioned JSON format that the canvas edits, the store saves, the
//! engine runs and users import and export.
//!
//! The types here are deliberately lenient: a step's inputs are a map of JSON values and its kind
//! is a string, so that a document with a wrong input type or an unknown kind still parses and
//! [`crate::validate()`] can report every mistake at once, naming node and field. Fields this build
//! does not know are kept (in `unknown`) so that validation can name them and an export does not
//! silently drop them. The editor layout (node positions) lives in its own map, apart from the
//! semantics. This module leaves parsing limits to [`crate::parse`] and checking to
//! [`crate::validate()`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// The format version this build writes and understands. A document with a newer `schema` is
/// refused by validation rather than half-understood.
pub const CURRENT_SCHEMA: u32 = 1;

/// The fixed node id of a flow's trigger. Templates reference its outputs as `trigger.*`, and
/// edges leave it with `"from": "trigger"`.
pub const TRIGGER_ID: &str = "trigger";

/// A flow document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// The format version ([`CURRENT_SCHEMA`] for documents this build writes).
    #[serde(default)]
    pub schema: u32,
    /// The flow's stable id (letters, digits, `-` and `_`).
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Whether the engine runs this flow on its trigger. A flow with errors cannot be enabled.
    #[serde(default)]
    pub enabled: bool,
    /// The one trigger; `None` only in a broken document (validation reports it).
    #[serde(default)]
    pub trigger: Option<Trigger>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Editor positions keyed by node id (the trigger's key is [`TRIGGER_ID`]). Never affects a run.
    #[serde(default)]
    pub layout: BTreeMap<String, Position>,
    /// Top-level fields this build does not know; validation reports each one.
    #[serde(flatten)]
    #[ts(skip)]
    pub unknown: BTreeMap<String, Value>,
}

/// What starts a run. Its node id is always [`TRIGGER_ID`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// A trigger kind id such as `alert_created`, `schedule` or `manual` (see [`crate::kinds`]).
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// The kind's inputs by field name (see the kind's `inputs` schema).
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    #[serde(flatten)]
    #[ts(skip)]
    pub unknown: BTreeMap<String, Value>,
}

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Unique within the flow; templates reference outputs as `steps.<id>.<output>`.
    #[serde(default)]
    pub id: String,
    /// A step kind id such as `get_alert` or `send_email` (see [`crate::kinds`]).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// The kind's inputs by field name (see the kind's `inputs` schema).
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    #[serde(flatten)]
    #[ts(skip)]
    pub unknown: BTreeMap<String, Value>,
}

/// A connection from one node to the next. Edges leaving a condition name the port.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// `true` or `false` on edges leaving a condition; absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub port: Option<Port>,
    #[serde(flatten)]
    #[ts(skip)]
    pub unknown: BTreeMap<String, Value>,
}

/// The output port of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Port {
    True,
    False,
}

impl Port {
    pub fn as_str(self) -> &'static str {
        match self {
            Port::True => "true",
            Port::False => "false",
        }
    }
}

/// A node's position on the canvas.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

impl Flow {
    /// A new flow in the current format, disabled, with a trigger and no steps.
    pub fn new(id: impl Into<String>, name: impl Into<String>, trigger: Trigger) -> Self {
        Flow {
            schema: CURRENT_SCHEMA,
            id: id.into(),
            name: name.into(),
            trigger: Some(trigger),
            ..Flow::default()
        }
    }

    /// The step with this id, if any (the first one when ids are duplicated).
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.id == id)
    }

    /// The kind of the node with this id: the trigger's kind for [`TRIGGER_ID`].
    pub fn node_kind(&self, node_id: &str) -> Option<&str> {
        if node_id == TRIGGER_ID {
            return self.trigger.as_ref().map(|trigger| trigger.kind.as_str());
        }
        self.step(node_id).map(|step| step.kind.as_str())
    }

    /// The node's display title: its own title, else its kind's title, else its id.
    pub fn node_title(&self, node_id: &str) -> String {
        let (title, kind) = if node_id == TRIGGER_ID {
            match &self.trigger {
                Some(trigger) => (trigger.title.as_str(), trigger.kind.as_str()),
                None => ("", ""),
            }
        } else {
            match self.step(node_id) {
                Some(step) => (step.title.as_str(), step.kind.as_str()),
                None => ("", ""),
            }
        };
        if !title.is_empty() {
            return title.to_string();
        }
        crate::kinds::node_kind(kind).map_or_else(|| node_id.to_string(), |spec| spec.title.clone())
    }

    /// The canonical JSON of this flow: object keys sorted at every level, two-space indent, a
    /// trailing newline. Exporting an imported canonical document gives back the same bytes.
    pub fn to_canonical_json(&self) -> String {
        // Serializing these types cannot fail: every map key is a string and no value is a
        // non-finite float that serde_json would refuse (f64 positions parsed from JSON are
        // finite; a NaN set by code is written as `null` by `serde_json::to_value`).
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        canonical_json(&value)
    }

    /// The SHA-256 (lower-case hex) of [`Flow::to_canonical_json`]: equal documents, equal hashes.
    pub fn content_hash(&self) -> String {
        let digest = Sha256::digest(self.to_canonical_json().as_bytes());
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// Writes any JSON value in the canonical form used for flows: keys sorted, pretty, newline.
pub fn canonical_json(value: &Value) -> String {
    let sorted = sort_keys(value);
    let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_else(|_| "null".to_string());
    text.push('\n');
    text
}

/// Rebuilds objects with their keys inserted in sorted order, so the output is sorted whether or
/// not serde_json's `preserve_order` feature is on somewhere in the dependency graph.
fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|left, right| left.0.cmp(right.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.clone(), sort_keys(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_ends_with_a_newline() {
        let mut flow = Flow::new(
            "f",
            "F",
            Trigger {
                kind: "manual".to_string(),
                ..Trigger::default()
            },
        );
        flow.unknown.insert(
            "zeta".to_string(),
            serde_json::json!({ "b": 1, "a": [{ "d": 1, "c": 2 }] }),
        );
        let json = flow.to_canonical_json();
        assert!(json.ends_with("}\n"));
        let keys: Vec<&str> = json
            .lines()
            .filter(|line| line.starts_with("  \""))
            .map(|line| line.trim().split('"').nth(1).unwrap_or_default())
            .collect();
        assert_eq!(
            keys,
            [
                "description",
                "edges",
                "enabled",
                "id",
                "layout",
                "name",
                "schema",
                "steps",
                "trigger",
                "zeta"
            ]
        );
        assert!(json.find("\"a\"") < json.find("\"b\""));
        assert!(json.find("\"c\"") < json.find("\"d\""));
    }

    #[test]
    fn the_content_hash_is_the_sha256_of_the_canonical_json() {
        let flow = Flow::new("f", "F", Trigger::default());
        let hash = flow.content_hash();
        assert_eq!(hash.len(), 64);
        assert!(
            hash.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let mut renamed = flow.clone();
        renamed.name = "G".to_string();
        assert_ne!(renamed.content_hash(), hash);
        let reparsed = crate::parse::parse_flow(flow.to_canonical_json().as_bytes()).unwrap();
        assert_eq!(reparsed.content_hash(), hash);
    }
}
