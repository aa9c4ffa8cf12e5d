//! The flow as a graph: which nodes come before a node (its upstream), and the outputs those
//! nodes offer to the UI's dynamic-content picker.
//!
//! Edges naming unknown nodes are ignored here (validation reports them); cycles do not loop
//! forever. What this module leaves out: the run order and skipped branches, which are the
//! engine's planner's business.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flow::{Flow, TRIGGER_ID};
use crate::kinds::{OutputSpec, node_kind};

/// One output the node being edited may reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvailableOutput {
    /// [`TRIGGER_ID`] or a step id.
    pub source_node_id: String,
    pub source_title: String,
    pub output: OutputSpec,
    /// What to write in a template: `trigger.alertId`, `steps.get_alert.severity`.
    pub reference: String,
}

/// Every node id of the flow: the trigger (when there is one) then the steps, in document order.
pub fn node_ids(flow: &Flow) -> Vec<&str> {
    let trigger = flow.trigger.as_ref().map(|_| TRIGGER_ID);
    trigger
        .into_iter()
        .chain(flow.steps.iter().map(|step| step.id.as_str()))
        .collect()
}

/// The nodes with a path to `node_id` (not including `node_id` itself unless it is on a cycle).
pub fn upstream(flow: &Flow, node_id: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([node_id.to_string()]);
    while let Some(current) = queue.pop_front() {
        for edge in flow.edges.iter().filter(|edge| edge.to == current) {
            if seen.insert(edge.from.clone()) {
                queue.push_back(edge.from.clone());
            }
        }
    }
    seen
}

/// The nodes reachable from `node_id` by following edges (not including `node_id` itself unless
/// it is on a cycle).
pub fn downstream(flow: &Flow, node_id: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([node_id.to_string()]);
    while let Some(current) = queue.pop_front() {
        for edge in flow.edges.iter().filter(|edge| edge.from == current) {
            if seen.insert(edge.to.clone()) {
                queue.push_back(edge.to.clone());
            }
        }
    }
    seen
}

/// The outputs of every node upstream of `node_id`, trigger first, then steps in document order,
/// each with the reference to write in a template.
pub fn available_outputs(flow: &Flow, node_id: &str) -> Vec<AvailableOutput> {
    let upstream = upstream(flow, node_id);
    let mut available = Vec::new();
    for source in node_ids(flow) {
        if source == node_id || !upstream.contains(source) {
            continue;
        }
        let Some(spec) = flow.node_kind(source).and_then(node_kind) else {
            continue;
        };
        let prefix = if source == TRIGGER_ID {
            TRIGGER_ID.to_string()
        } else {
            format!("steps.{source}")
        };
        let title = flow.node_title(source);
        for output in &spec.outputs {
            available.push(AvailableOutput {
                source_node_id: source.to_string(),
                source_title: title.clone(),
                output: output.clone(),
                reference: format!("{prefix}.{}", output.name),
            });
        }
    }
    available
}

/// Groups of nodes that form cycles (strongly connected components with more than one node, or
/// one node with an edge to itself), each sorted, in order of their first node in the document.
pub fn cycles(flow: &Flow) -> Vec<Vec<String>> {
    let ids = node_ids(flow);
    let mut components: Vec<Vec<String>> = Vec::new();
    let mut assigned: BTreeSet<&str> = BTreeSet::new();
    for &id in &ids {
        if assigned.contains(id) {
            continue;
        }
        let after = downstream(flow, id);
        if !after.contains(id) {
            continue;
        }
        // The cycle through `id`: the nodes that are both after and before it.
        let before = upstream(flow, id);
        let component: Vec<String> = ids
            .iter()
            .filter(|other| after.contains(**other) && before.contains(**other))
            .map(|other| (*other).to_string())
            .collect();
        for member in &component {
            if let Some(known) = ids.iter().find(|candidate| **candidate == member.as_str()) {
                assigned.insert(known);
            }
        }
        components.push(component);
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Edge, Step, Trigger};

    fn edge(from: &str, to: &str) -> Edge {
        Edge {
            from: from.to_string(),
            to: to.to_string(),
            ..Edge::default()
        }
    }

    fn step(id: &str, kind: &str) -> Step {
        Step {
            id: id.to_string(),
            kind: kind.to_string(),
            ..Step::default()
        }
    }

    #[test]
    fn lists_outputs_of_upstream_nodes_only() {
        let flow = Flow {
            trigger: Some(Trigger {
                kind: "alert_created".to_string(),
                ..Trigger::default()
            }),
            steps: vec![
                step("get_alert", "get_alert"),
                step("mail", "send_email"),
                step("side", "get_alert"),
            ],
            edges: vec![
                edge("trigger", "get_alert"),
                edge("get_alert", "mail"),
                edge("trigger", "side"),
            ],
            ..Flow::default()
        };
        let references: Vec<String> = available_outputs(&flow, "mail")
            .into_iter()
            .map(|output| output.reference)
            .collect();
        assert!(references.contains(&"trigger.alertId".to_string()));
        assert!(references.contains(&"steps.get_alert.computerDnsName".to_string()));
        assert!(
            !references
                .iter()
                .any(|reference| reference.starts_with("steps.side"))
        );
        assert!(
            !references
                .iter()
                .any(|reference| reference.starts_with("steps.mail"))
        );
        assert!(available_outputs(&flow, "trigger").is_empty());
    }

    #[test]
    fn finds_each_cycle_once() {
        let flow = Flow {
            trigger: Some(Trigger::default()),
            steps: vec![
                step("a", "get_alert"),
                step("b", "get_alert"),
                step("c", "get_alert"),
            ],
            edges: vec![
                edge("trigger", "a"),
                edge("a", "b"),
                edge("b", "a"),
                edge("c", "c"),
            ],
            ..Flow::default()
        };
        assert_eq!(
            cycles(&flow),
            [
                vec!["a".to_string(), "b".to_string()],
                vec!["c".to_string()]
            ]
        );
    }
}
