//! A structural diff of two flow documents: what Publish shows before a draft goes live, and what
//! `flowguard flows diff` prints.
//!
//! The diff speaks the flow's own terms, not JSON lines: the name changed, the trigger changed
//! (kind, title, inputs), steps were added or removed, a step's inputs changed (each with its old
//! and new value), edges were added or removed. Positions on the canvas are reported only as
//! "the layout changed": moving a node never changes what a run does.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::flow::{Edge, Flow, Step, Trigger};

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TextChange {
    pub before: String,
    pub after: String,
}

/// One input (of the trigger or a step) whose value changed; `None` means absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InputChange {
    /// The input's name, as in the document (`severity`, `subject`, …).
    pub name: String,
    #[ts(type = "unknown")]
    pub before: Option<Value>,
    #[ts(type = "unknown")]
    pub after: Option<Value>,
}

/// How the trigger changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TriggerDiff {
    /// The trigger kind, when it changed (`None` kind is written as an empty string).
    pub kind: Option<TextChange>,
    pub title: Option<TextChange>,
    pub inputs: Vec<InputChange>,
}

/// A step as a diff names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepRef {
    pub id: String,
    pub kind: String,
    pub title: String,
}

/// A step present in both versions whose kind, title or inputs changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepDiff {
    pub id: String,
    /// The step's title in the newer version.
    pub title: String,
    pub kind: Option<TextChange>,
    pub title_change: Option<TextChange>,
    pub inputs: Vec<InputChange>,
}

/// Everything that differs between two versions of a flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowDiff {
    pub name: Option<TextChange>,
    pub description: Option<TextChange>,
    /// `None` when the trigger is the same.
    pub trigger: Option<TriggerDiff>,
    pub steps_added: Vec<StepRef>,
    pub steps_removed: Vec<StepRef>,
    pub steps_changed: Vec<StepDiff>,
    pub edges_added: Vec<Edge>,
    pub edges_removed: Vec<Edge>,
    /// Only node positions moved (never changes what a run does).
    pub layout_changed: bool,
}

impl FlowDiff {
    /// True when the two versions run the same way and read the same (positions aside).
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.trigger.is_none()
            && self.steps_added.is_empty()
            && self.steps_removed.is_empty()
            && self.steps_changed.is_empty()
            && self.edges_added.is_empty()
            && self.edges_removed.is_empty()
    }

    /// One line per change, for the CLI and for logs.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(change) = &self.name {
            lines.push(format!("name: {:?} → {:?}", change.before, change.after));
        }
        if self.description.is_some() {
            lines.push("description changed".to_owned());
        }
        if let Some(trigger) = &self.trigger {
            if let Some(change) = &trigger.kind {
                lines.push(format!(
                    "trigger: kind {} → {}",
                    change.before, change.after
                ));
            }
            if let Some(change) = &trigger.title {
                lines.push(format!(
                    "trigger: title {:?} → {:?}",
                    change.before, change.after
                ));
            }
            for input in &trigger.inputs {
                lines.push(format!("trigger: {}", describe_input(input)));
            }
        }
        for step in &self.steps_added {
            lines.push(format!(
                "+ step {:?} ({}, {})",
                step.title, step.id, step.kind
            ));
        }
        for step in &self.steps_removed {
            lines.push(format!(
                "- step {:?} ({}, {})",
                step.title, step.id, step.kind
            ));
        }
        for step in &self.steps_changed {
            if let Some(change) = &step.kind {
                lines.push(format!(
                    "~ step {:?}: kind {} → {}",
                    step.title, change.before, change.after
                ));
            }
            if let Some(change) = &step.title_change {
                lines.push(format!(
                    "~ step {}: title {:?} → {:?}",
                    step.id, change.before, change.after
                ));
            }
            for input in &step.inputs {
                lines.push(format!(
                    "~ step {:?}: {}",
                    step.title,
                    describe_input(input)
                ));
            }
        }
        for edge in &self.edges_added {
            lines.push(format!("+ edge {}", describe_edge(edge)));
        }
        for edge in &self.edges_removed {
            lines.push(format!("- edge {}", describe_edge(edge)));
        }
        if self.layout_changed {
            lines.push("layout changed (positions only)".to_owned());
        }
        lines
    }
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "(none)".to_owned(),
        Some(value) => value.to_string(),
    }
}

fn describe_input(input: &InputChange) -> String {
    format!(
        "{}: {} → {}",
        input.name,
        show(input.before.as_ref()),
        show(input.after.as_ref())
    )
}

fn describe_edge(edge: &Edge) -> String {
    match edge.port {
        Some(port) => format!("{} ({}) → {}", edge.from, port.as_str(), edge.to),
        None => format!("{} → {}", edge.from, edge.to),
    }
}

fn text_change(before: &str, after: &str) -> Option<TextChange> {
    (before != after).then(|| TextChange {
        before: before.to_owned(),
        after: after.to_owned(),
    })
}

fn input_changes(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
) -> Vec<InputChange> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let old = before.get(name);
            let new = after.get(name);
            (old != new).then(|| InputChange {
                name: name.clone(),
                before: old.cloned(),
                after: new.cloned(),
            })
        })
        .collect()
}

fn trigger_diff(before: Option<&Trigger>, after: Option<&Trigger>) -> Option<TriggerDiff> {
    let empty = BTreeMap::new();
    let kind = |t: Option<&Trigger>| t.map(|t| t.kind.clone()).unwrap_or_default();
    let title = |t: Option<&Trigger>| t.map(|t| t.title.clone()).unwrap_or_default();
    let diff = TriggerDiff {
        kind: text_change(&kind(before), &kind(after)),
        title: text_change(&title(before), &title(after)),
        inputs: input_changes(
            before.map_or(&empty, |t| &t.inputs),
            after.map_or(&empty, |t| &t.inputs),
        ),
    };
    (diff.kind.is_some() || diff.title.is_some() || !diff.inputs.is_empty()).then_some(diff)
}

fn step_ref(step: &Step) -> StepRef {
    StepRef {
        id: step.id.clone(),
        kind: step.kind.clone(),
        title: step.title.clone(),
    }
}

/// An edge's identity, ignoring unknown fields.
fn edge_key(edge: &Edge) -> (String, String, Option<&'static str>) {
    (
        edge.from.clone(),
        edge.to.clone(),
        edge.port.map(crate::flow::Port::as_str),
    )
}

/// What changed from `before` to `after`. Steps are matched by id; edges by (from, to, port).
pub fn diff(before: &Flow, after: &Flow) -> FlowDiff {
    let old_steps: BTreeMap<&str, &Step> =
        before.steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let new_steps: BTreeMap<&str, &Step> = after.steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let steps_added = after
        .steps
        .iter()
        .filter(|s| !old_steps.contains_key(s.id.as_str()))
        .map(step_ref)
        .collect();
    let steps_removed = before
        .steps
        .iter()
        .filter(|s| !new_steps.contains_key(s.id.as_str()))
        .map(step_ref)
        .collect();
    let steps_changed = after
        .steps
        .iter()
        .filter_map(|new| {
            let old = old_steps.get(new.id.as_str())?;
            let change = StepDiff {
                id: new.id.clone(),
                title: new.title.clone(),
                kind: text_change(&old.kind, &new.kind),
                title_change: text_change(&old.title, &new.title),
                inputs: input_changes(&old.inputs, &new.inputs),
            };
            (change.kind.is_some() || change.title_change.is_some() || !change.inputs.is_empty())
                .then_some(change)
        })
        .collect();
    let old_edges: BTreeSet<_> = before.edges.iter().map(edge_key).collect();
    let new_edges: BTreeSet<_> = after.edges.iter().map(edge_key).collect();
    FlowDiff {
        name: text_change(&before.name, &after.name),
        description: text_change(&before.description, &after.description),
        trigger: trigger_diff(before.trigger.as_ref(), after.trigger.as_ref()),
        steps_added,
        steps_removed,
        steps_changed,
        edges_added: after
            .edges
            .iter()
            .filter(|e| !old_edges.contains(&edge_key(e)))
            .cloned()
            .collect(),
        edges_removed: before
            .edges
            .iter()
            .filter(|e| !new_edges.contains(&edge_key(e)))
            .cloned()
            .collect(),
        layout_changed: before.layout != after.layout,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::flow::Port;

    fn seed() -> Flow {
        crate::templates::get("isolate-high-severity").expect("the seed template exists")
    }

    #[test]
    fn the_same_flow_has_an_empty_diff() {
        let flow = seed();
        let diff = diff(&flow, &flow);
        assert!(diff.is_empty());
        assert!(!diff.layout_changed);
        assert!(diff.lines().is_empty());
    }

    #[test]
    fn names_changed_inputs_with_old_and_new_values() {
        let before = seed();
        let mut after = before.clone();
        after.name = "Renamed".into();
        let step = after
            .steps
            .iter_mut()
            .find(|s| s.kind == "send_email")
            .expect("the seed emails");
        step.inputs.insert("subject".into(), json!("New subject"));
        let step_id = step.id.clone();
        let old_subject = before
            .steps
            .iter()
            .find(|s| s.id == step_id)
            .and_then(|s| s.inputs.get("subject"))
            .cloned();
        let diff = diff(&before, &after);
        assert_eq!(
            diff.name.as_ref().map(|c| c.after.as_str()),
            Some("Renamed")
        );
        assert_eq!(diff.steps_changed.len(), 1);
        let changed = &diff.steps_changed[0];
        assert_eq!(changed.id, step_id);
        assert_eq!(
            changed.inputs,
            vec![InputChange {
                name: "subject".into(),
                before: old_subject,
                after: Some(json!("New subject")),
            }]
        );
        assert!(diff.trigger.is_none());
        assert!(diff.edges_added.is_empty() && diff.edges_removed.is_empty());
    }

    #[test]
    fn steps_and_edges_added_and_removed_and_the_trigger_changed() {
        let before = seed();
        let mut after = before.clone();
        let removed = after.steps.pop().expect("the seed has steps");
        after
            .edges
            .retain(|e| e.from != removed.id && e.to != removed.id);
        after.steps.push(Step {
            id: "note".into(),
            kind: "send_email".into(),
            title: "Tell the team".into(),
            ..Step::default()
        });
        after.edges.push(Edge {
            from: "trigger".into(),
            to: "note".into(),
            port: None,
            unknown: BTreeMap::new(),
        });
        if let Some(trigger) = after.trigger.as_mut() {
            trigger.inputs.insert("severity".into(), json!("Medium"));
        }
        after.layout.clear();
        let diff = diff(&before, &after);
        assert_eq!(diff.steps_added.len(), 1);
        assert_eq!(diff.steps_added[0].title, "Tell the team");
        assert_eq!(diff.steps_removed, vec![step_ref(&removed)]);
        assert!(diff.edges_added.iter().any(|e| e.to == "note"));
        assert!(
            diff.edges_removed
                .iter()
                .all(|e| e.from == removed.id || e.to == removed.id)
        );
        assert!(!diff.edges_removed.is_empty());
        let trigger = diff.trigger.as_ref().expect("the trigger changed");
        assert_eq!(trigger.inputs.len(), 1);
        assert_eq!(trigger.inputs[0].name, "severity");
        assert!(diff.layout_changed);
        assert!(
            diff.lines()
                .iter()
                .any(|l| l.starts_with("+ step \"Tell the team\""))
        );
    }

    #[test]
    fn a_moved_branch_is_an_edge_removed_and_one_added() {
        let before = seed();
        let mut after = before.clone();
        let edge = after
            .edges
            .iter_mut()
            .find(|e| e.port == Some(Port::True))
            .expect("the seed branches");
        edge.port = Some(Port::False);
        let diff = diff(&before, &after);
        assert_eq!(diff.edges_added.len(), 1);
        assert_eq!(diff.edges_removed.len(), 1);
        assert_eq!(diff.edges_added[0].port, Some(Port::False));
    }
}
