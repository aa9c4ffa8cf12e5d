//! Which steps of a run are skipped.
//!
//! Steps run one at a time in the checked plan's order ([`flowguard_model::Plan`]). A step runs
//! when at least one of its incoming edges is *live*: its source succeeded and, for a node with
//! ports (a condition), the edge leaves by the port the node took. A step none of whose incoming
//! edges is live is recorded as skipped, so the branch a condition did not take, and what follows
//! it, shows as skipped in the run. A branch left unconnected simply ends there.

use std::collections::BTreeMap;

use flowguard_model::{PlannedStep, Port, TRIGGER_ID};

/// How a node ended, as far as its successors care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeOutcome {
    /// Succeeded; `branch` is the port it took (`Some(true)` = `true`) for a node with ports,
    /// `None` otherwise.
    Succeeded {
        branch: Option<bool>,
    },
    Skipped,
    Failed,
}

/// Whether `step` should run given how the nodes before it ended (the trigger counts as
/// succeeded). Call it only once every predecessor has an outcome, which the plan's order
/// guarantees.
pub fn should_run(step: &PlannedStep, outcomes: &BTreeMap<String, NodeOutcome>) -> bool {
    step.incoming.iter().any(|edge| {
        let outcome = if edge.from == TRIGGER_ID {
            Some(NodeOutcome::Succeeded { branch: None })
        } else {
            outcomes.get(&edge.from).copied()
        };
        match outcome {
            Some(NodeOutcome::Succeeded {
                branch: Some(taken),
            }) => edge.port == Some(if taken { Port::True } else { Port::False }),
            Some(NodeOutcome::Succeeded { branch: None }) => true,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use flowguard_model::Plan;

    use super::*;

    fn seed() -> Plan {
        Plan::check(&flowguard_model::templates::get("isolate-high-severity").unwrap()).unwrap()
    }

    #[test]
    fn the_branch_not_taken_is_skipped_and_so_is_what_follows_it() {
        let plan = seed();
        let step = |id: &str| plan.step(id).unwrap();
        let mut outcomes = BTreeMap::new();
        assert!(should_run(step("get_alert"), &outcomes));
        outcomes.insert(
            "get_alert".to_owned(),
            NodeOutcome::Succeeded { branch: None },
        );
        assert!(should_run(step("is_high"), &outcomes));
        outcomes.insert(
            "is_high".to_owned(),
            NodeOutcome::Succeeded {
                branch: Some(false),
            },
        );
        assert!(!should_run(step("isolate"), &outcomes));
        assert!(should_run(step("email_review"), &outcomes));
        outcomes.insert("isolate".to_owned(), NodeOutcome::Skipped);
        assert!(!should_run(step("email_soc"), &outcomes));

        outcomes.insert(
            "is_high".to_owned(),
            NodeOutcome::Succeeded { branch: Some(true) },
        );
        assert!(should_run(step("isolate"), &outcomes));
        assert!(!should_run(step("email_review"), &outcomes));
    }

    #[test]
    fn a_step_after_a_failure_does_not_run() {
        let plan = seed();
        let outcomes = BTreeMap::from([("get_alert".to_owned(), NodeOutcome::Failed)]);
        assert!(!should_run(plan.step("is_high").unwrap(), &outcomes));
    }
}
