//! Which steps run, in what order, and which are skipped.
//!
//! Steps run one at a time in a topological order of the flow's edges, starting from the trigger.
//! A step runs when at least one of its incoming edges is *live*: its source succeeded and, for a
//! condition, the edge leaves by the port (`true`/`false`) the condition took. A step none of
//! whose incoming edges is live is recorded as skipped, so the branch a condition did not take
//! shows as skipped in the run. Validation has already refused cycles and dangling edges; this
//! module still reports them instead of looping, because a run may replay an old flow version.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// One edge as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// `Some(true)` / `Some(false)` for a condition's outputs; `None` for a plain edge.
    pub port: Option<bool>,
}

/// How a node ended, as far as its successors care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeOutcome {
    /// Succeeded; `branch` is the condition's result for a condition, `None` otherwise.
    Succeeded {
        branch: Option<bool>,
    },
    Skipped,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("the edge from {from} to {to} names a node that does not exist")]
    DanglingEdge { from: String, to: String },
    #[error("the steps {0:?} form a cycle")]
    Cycle(Vec<String>),
}

/// The flow's steps in run order, with their incoming edges.
#[derive(Debug, Clone)]
pub struct StepGraph {
    order: Vec<String>,
    incoming: BTreeMap<String, Vec<GraphEdge>>,
}

impl StepGraph {
    /// Orders `steps` after `trigger` along `edges` (Kahn's algorithm, ties broken by the order
    /// the steps are listed in, so the order is stable).
    pub fn new(trigger: &str, steps: &[String], edges: &[GraphEdge]) -> Result<Self, GraphError> {
        let known: BTreeSet<&str> = steps
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(trigger))
            .collect();
        let mut incoming: BTreeMap<String, Vec<GraphEdge>> =
            steps.iter().map(|id| (id.clone(), Vec::new())).collect();
        let mut indegree: BTreeMap<&str, usize> = steps.iter().map(|id| (id.as_str(), 0)).collect();
        for edge in edges {
            if !known.contains(edge.from.as_str()) || !known.contains(edge.to.as_str()) {
                return Err(GraphError::DanglingEdge {
                    from: edge.from.clone(),
                    to: edge.to.clone(),
                });
            }
            if let Some(list) = incoming.get_mut(&edge.to) {
                list.push(edge.clone());
            }
            if edge.from != trigger
                && let Some(count) = indegree.get_mut(edge.to.as_str())
            {
                *count += 1;
            }
        }
        let mut ready: VecDeque<&str> = steps
            .iter()
            .map(String::as_str)
            .filter(|id| indegree[id] == 0)
            .collect();
        let mut order = Vec::with_capacity(steps.len());
        while let Some(id) = ready.pop_front() {
            order.push(id.to_owned());
            for edge in edges.iter().filter(|edge| edge.from == id) {
                if let Some(count) = indegree.get_mut(edge.to.as_str()) {
                    *count -= 1;
                    if *count == 0 {
                        ready.push_back(
                            steps
                                .iter()
                                .find(|s| **s == edge.to)
                                .map_or("", String::as_str),
                        );
                    }
                }
            }
        }
        if order.len() != steps.len() {
            let stuck = steps
                .iter()
                .filter(|id| !order.contains(id))
                .cloned()
                .collect();
            return Err(GraphError::Cycle(stuck));
        }
        Ok(Self { order, incoming })
    }

    /// The steps in run order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// Whether `step` should run given how the nodes before it ended (the trigger counts as
    /// succeeded). Call it only once every predecessor has an outcome.
    pub fn should_run(
        &self,
        trigger: &str,
        step: &str,
        outcomes: &BTreeMap<String, NodeOutcome>,
    ) -> bool {
        let Some(edges) = self.incoming.get(step) else {
            return false;
        };
        edges.iter().any(|edge| {
            let outcome = if edge.from == trigger {
                Some(NodeOutcome::Succeeded { branch: None })
            } else {
                outcomes.get(&edge.from).copied()
            };
            match outcome {
                Some(NodeOutcome::Succeeded {
                    branch: Some(taken),
                }) => edge.port == Some(taken),
                Some(NodeOutcome::Succeeded { branch: None }) => true,
                _ => false,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str, port: Option<bool>) -> GraphEdge {
        GraphEdge {
            from: from.into(),
            to: to.into(),
            port,
        }
    }

    fn seed() -> StepGraph {
        let steps: Vec<String> = ["send_email", "isolate", "condition", "get_alert"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let edges = vec![
            edge("trigger", "get_alert", None),
            edge("get_alert", "condition", None),
            edge("condition", "isolate", Some(true)),
            edge("isolate", "send_email", None),
        ];
        StepGraph::new("trigger", &steps, &edges).unwrap()
    }

    #[test]
    fn steps_run_in_edge_order_whatever_the_listing() {
        assert_eq!(
            seed().order(),
            ["get_alert", "condition", "isolate", "send_email"]
        );
    }

    #[test]
    fn the_branch_not_taken_is_skipped_and_so_is_what_follows_it() {
        let graph = seed();
        let mut outcomes = BTreeMap::new();
        assert!(graph.should_run("trigger", "get_alert", &outcomes));
        outcomes.insert(
            "get_alert".to_owned(),
            NodeOutcome::Succeeded { branch: None },
        );
        assert!(graph.should_run("trigger", "condition", &outcomes));
        outcomes.insert(
            "condition".to_owned(),
            NodeOutcome::Succeeded {
                branch: Some(false),
            },
        );
        assert!(!graph.should_run("trigger", "isolate", &outcomes));
        outcomes.insert("isolate".to_owned(), NodeOutcome::Skipped);
        assert!(!graph.should_run("trigger", "send_email", &outcomes));

        outcomes.insert(
            "condition".to_owned(),
            NodeOutcome::Succeeded { branch: Some(true) },
        );
        assert!(graph.should_run("trigger", "isolate", &outcomes));
    }

    #[test]
    fn a_step_after_a_failure_does_not_run() {
        let graph = seed();
        let outcomes = BTreeMap::from([("get_alert".to_owned(), NodeOutcome::Failed)]);
        assert!(!graph.should_run("trigger", "condition", &outcomes));
    }

    #[test]
    fn cycles_and_dangling_edges_are_reported() {
        let steps = vec!["a".to_owned(), "b".to_owned()];
        let cycle = vec![
            edge("trigger", "a", None),
            edge("a", "b", None),
            edge("b", "a", None),
        ];
        assert!(matches!(
            StepGraph::new("trigger", &steps, &cycle),
            Err(GraphError::Cycle(_))
        ));
        let dangling = vec![edge("trigger", "zzz", None)];
        assert!(matches!(
            StepGraph::new("trigger", &steps, &dangling),
            Err(GraphError::DanglingEdge { .. })
        ));
    }
}
