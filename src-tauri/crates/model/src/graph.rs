//! The flow as a graph: which nodes come before a node (its upstream), and the outputs those
//! nodes offer to the UI's dynamic-content picker.
//!
//! Edges naming unknown nodes are ignored here (validation reports them); cycles do not loop
//! forever. What this module leaves out: the run order and skipped branches, which are the
//! engine's planner's business.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

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

/// Adjacency lists built once from the edges, so each walk is linear in the size of the flow.
/// Edges naming unknown nodes are kept (they simply lead nowhere known).
pub struct Adjacency<'flow> {
    forward: BTreeMap<&'flow str, Vec<&'flow str>>,
    backward: BTreeMap<&'flow str, Vec<&'flow str>>,
}

impl<'flow> Adjacency<'flow> {
    pub fn new(flow: &'flow Flow) -> Self {
        let mut forward: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut backward: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for edge in &flow.edges {
            forward.entry(&edge.from).or_default().push(&edge.to);
            backward.entry(&edge.to).or_default().push(&edge.from);
        }
        Adjacency { forward, backward }
    }

    fn walk(map: &BTreeMap<&'flow str, Vec<&'flow str>>, start: &str) -> BTreeSet<String> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        if let Some(first) = map.get(start) {
            queue.extend(first.iter().copied());
        }
        while let Some(current) = queue.pop_front() {
            if seen.insert(current)
                && let Some(next) = map.get(current)
            {
                queue.extend(next.iter().copied());
            }
        }
        seen.into_iter().map(str::to_string).collect()
    }

    /// The nodes with a path to `node_id` (not `node_id` itself unless it is on a cycle).
    pub fn upstream(&self, node_id: &str) -> BTreeSet<String> {
        Self::walk(&self.backward, node_id)
    }

    /// The nodes reachable from `node_id` (not `node_id` itself unless it is on a cycle).
    pub fn downstream(&self, node_id: &str) -> BTreeSet<String> {
        Self::walk(&self.forward, node_id)
    }
}

/// The nodes with a path to `node_id` (not including `node_id` itself unless it is on a cycle).
pub fn upstream(flow: &Flow, node_id: &str) -> BTreeSet<String> {
    Adjacency::new(flow).upstream(node_id)
}

/// The nodes reachable from `node_id` by following edges (not including `node_id` itself unless
/// it is on a cycle).
pub fn downstream(flow: &Flow, node_id: &str) -> BTreeSet<String> {
    Adjacency::new(flow).downstream(node_id)
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
/// one node with an edge to itself), each in document order, in order of their first node.
///
/// Kosaraju's algorithm with explicit stacks: linear in the size of the flow and no recursion,
/// so a long chain of steps cannot overflow the stack.
pub fn cycles(flow: &Flow) -> Vec<Vec<String>> {
    let ids = node_ids(flow);
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (position, id) in ids.iter().enumerate() {
        index.entry(id).or_insert(position);
    }
    let count = ids.len();
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut backward: Vec<Vec<usize>> = vec![Vec::new(); count];
    for edge in &flow.edges {
        if let (Some(&from), Some(&to)) =
            (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        {
            forward[from].push(to);
            backward[to].push(from);
        }
    }
    // First pass: nodes in order of finishing a depth-first walk of the forward edges.
    let mut visited = vec![false; count];
    let mut finished: Vec<usize> = Vec::with_capacity(count);
    for start in 0..count {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&target) = forward[*node].get(*next) {
                *next += 1;
                if !visited[target] {
                    visited[target] = true;
                    stack.push((target, 0));
                }
            } else {
                finished.push(*node);
                stack.pop();
            }
        }
    }
    // Second pass: walk the backward edges in reverse finishing order; each walk is one component.
    let mut component = vec![usize::MAX; count];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for &start in finished.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        let number = components.len();
        component[start] = number;
        let mut members = Vec::new();
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            members.push(node);
            for &source in &backward[node] {
                if component[source] == usize::MAX {
                    component[source] = number;
                    stack.push(source);
                }
            }
        }
        members.sort_unstable();
        components.push(members);
    }
    let mut cycles: Vec<Vec<usize>> = components
        .into_iter()
        .filter(|members| members.len() > 1 || forward[members[0]].contains(&members[0]))
        .collect();
    cycles.sort();
    cycles
        .into_iter()
        .map(|members| {
            members
                .into_iter()
                .map(|member| ids[member].to_string())
                .collect()
        })
        .collect()
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
