//! The checked plan: a flow that passed validation, in the shape the engine runs.
//!
//! [`crate::validate()`] stays the producer of diagnostics; [`Plan::check`] calls it once and,
//! when the flow has no errors, returns what running it needs: the trigger's and each step's
//! kind spec (looked up once), the steps in run order, and each step's incoming edges. The engine
//! runs a plan without validating again, looking kinds up or rebuilding the graph. Warnings do
//! not stop a plan; they travel with it ([`Plan::warnings`]).
//!
//! The run order is a topological order of the edges from the trigger, ties broken by the order
//! the steps are listed in, so it is stable. Which steps a run then skips (the branch a condition
//! did not take) is the engine's decision, made as the run goes.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use crate::flow::{Flow, Port, TRIGGER_ID};
use crate::kinds::{NodeKindSpec, node_kind};
use crate::validate::{Diagnostic, DiagnosticCode, Severity, validate};

/// One edge of a checked flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEdge {
    /// [`TRIGGER_ID`] or a step id.
    pub from: String,
    pub to: String,
    /// The port it leaves by, on an edge from a node with ports (a condition).
    pub port: Option<Port>,
}

/// The trigger of a checked flow.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTrigger {
    pub spec: &'static NodeKindSpec,
    /// The trigger's inputs as the document writes them.
    pub inputs: BTreeMap<String, Value>,
}

/// One step of a checked flow.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStep {
    pub id: String,
    /// Its display title: its own, else its kind's.
    pub title: String,
    pub spec: &'static NodeKindSpec,
    /// The inputs as the document writes them (templates not yet resolved).
    pub inputs: BTreeMap<String, Value>,
    /// The edges that lead to it; a step runs when one of them is live.
    pub incoming: Vec<PlanEdge>,
}

/// A flow with no errors, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    flow_id: String,
    trigger: PlannedTrigger,
    steps: Vec<PlannedStep>,
    edges: Vec<PlanEdge>,
    warnings: Vec<Diagnostic>,
}

impl Plan {
    /// Validates `flow` once: its errors (every one, each naming node and field), or its plan.
    pub fn check(flow: &Flow) -> Result<Self, Vec<Diagnostic>> {
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            validate(flow).into_iter().partition(Diagnostic::is_error);
        if !errors.is_empty() {
            return Err(errors);
        }
        Self::build(flow, warnings).map_err(|error| vec![error])
    }

    /// Builds the plan of a flow validation accepted. Every failure here is one validation
    /// reports first; it is still an error rather than a panic.
    fn build(flow: &Flow, warnings: Vec<Diagnostic>) -> Result<Self, Diagnostic> {
        let trigger = flow
            .trigger
            .as_ref()
            .ok_or_else(|| error(None, DiagnosticCode::NoTrigger, "the flow has no trigger"))?;
        let trigger = PlannedTrigger {
            spec: known_kind(TRIGGER_ID, &trigger.kind)?,
            inputs: trigger.inputs.clone(),
        };
        let edges: Vec<PlanEdge> = flow
            .edges
            .iter()
            .map(|edge| PlanEdge {
                from: edge.from.clone(),
                to: edge.to.clone(),
                port: edge.port,
            })
            .collect();
        let mut steps: BTreeMap<&str, PlannedStep> = BTreeMap::new();
        for step in &flow.steps {
            let planned = PlannedStep {
                id: step.id.clone(),
                title: flow.node_title(&step.id),
                spec: known_kind(&step.id, &step.kind)?,
                inputs: step.inputs.clone(),
                incoming: edges
                    .iter()
                    .filter(|edge| edge.to == step.id)
                    .cloned()
                    .collect(),
            };
            steps.insert(&step.id, planned);
        }
        let order = run_order(flow)?;
        let steps = order
            .into_iter()
            .filter_map(|id| steps.remove(id))
            .collect();
        Ok(Self {
            flow_id: flow.id.clone(),
            trigger,
            steps,
            edges,
            warnings,
        })
    }

    pub fn flow_id(&self) -> &str {
        &self.flow_id
    }

    pub fn trigger(&self) -> &PlannedTrigger {
        &self.trigger
    }

    /// The steps in run order.
    pub fn steps(&self) -> &[PlannedStep] {
        &self.steps
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&PlannedStep> {
        self.steps.iter().find(|step| step.id == id)
    }

    pub fn edges(&self) -> &[PlanEdge] {
        &self.edges
    }

    /// The flow's warnings, which do not stop it from running.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

fn error(node_id: Option<&str>, code: DiagnosticCode, message: impl Into<String>) -> Diagnostic {
    let message = message.into();
    Diagnostic {
        node_id: node_id.map(str::to_string),
        field: None,
        code,
        sentence: match node_id {
            Some(node) => format!("{node}: {message}"),
            None => message.clone(),
        },
        message,
        severity: Severity::Error,
    }
}

fn known_kind(node_id: &str, kind: &str) -> Result<&'static NodeKindSpec, Diagnostic> {
    node_kind(kind).ok_or_else(|| {
        error(
            Some(node_id),
            DiagnosticCode::UnknownKind,
            format!("this build has no node kind `{kind}`"),
        )
    })
}

/// Kahn's algorithm over the steps, ties broken by document order.
fn run_order(flow: &Flow) -> Result<Vec<&str>, Diagnostic> {
    let mut indegree: BTreeMap<&str, usize> = flow
        .steps
        .iter()
        .map(|step| (step.id.as_str(), 0))
        .collect();
    for edge in &flow.edges {
        if edge.from != TRIGGER_ID
            && let Some(count) = indegree.get_mut(edge.to.as_str())
        {
            *count += 1;
        }
    }
    let mut ready: VecDeque<&str> = flow
        .steps
        .iter()
        .map(|step| step.id.as_str())
        .filter(|id| indegree[id] == 0)
        .collect();
    let mut order = Vec::with_capacity(flow.steps.len());
    while let Some(id) = ready.pop_front() {
        order.push(id);
        for edge in flow.edges.iter().filter(|edge| edge.from == id) {
            if let Some(count) = indegree.get_mut(edge.to.as_str()) {
                *count -= 1;
                if *count == 0 {
                    ready.push_back(edge.to.as_str());
                }
            }
        }
    }
    if order.len() != flow.steps.len() {
        let stuck: Vec<&str> = flow
            .steps
            .iter()
            .map(|step| step.id.as_str())
            .filter(|id| !order.contains(id))
            .collect();
        return Err(error(
            stuck.first().copied(),
            DiagnosticCode::Cycle,
            format!("these steps lead back to themselves: {}", stuck.join(" → ")),
        ));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::flow::{Edge, Step, Trigger};

    fn step(id: &str, kind: &str, inputs: Value) -> Step {
        Step {
            id: id.into(),
            kind: kind.into(),
            inputs: serde_json::from_value(inputs).unwrap(),
            ..Step::default()
        }
    }

    fn edge(from: &str, to: &str, port: Option<Port>) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            port,
            ..Edge::default()
        }
    }

    #[test]
    fn the_seed_template_plans_in_edge_order_with_its_specs() {
        let mut flow = crate::templates::get("isolate-high-severity").unwrap();
        flow.steps.reverse();
        let plan = Plan::check(&flow).unwrap();
        let order: Vec<&str> = plan.steps().iter().map(|step| step.id.as_str()).collect();
        assert_eq!(order[..3], ["get_alert", "is_high", "isolate"]);
        assert_eq!(plan.trigger().spec.kind, "alert_created");
        let isolate = plan.step("isolate").unwrap();
        assert_eq!(isolate.spec.kind, "isolate_machine");
        assert_eq!(
            isolate.incoming,
            [PlanEdge {
                from: "is_high".into(),
                to: "isolate".into(),
                port: Some(Port::True)
            }]
        );
        assert_eq!(plan.flow_id(), flow.id);
    }

    #[test]
    fn a_flow_with_errors_gives_every_error_and_no_plan() {
        let mut flow = Flow::new(
            "f",
            "F",
            Trigger {
                kind: "manual".into(),
                ..Trigger::default()
            },
        );
        flow.steps = vec![
            step("a", "get_alert", json!({ "alertId": "" })),
            step("b", "no_such_kind", json!({})),
        ];
        flow.edges = vec![edge(TRIGGER_ID, "a", None), edge("a", "b", None)];
        let errors = Plan::check(&flow).unwrap_err();
        let codes: Vec<DiagnosticCode> = errors.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&DiagnosticCode::MissingRequired),
            "{errors:?}"
        );
        assert!(codes.contains(&DiagnosticCode::UnknownKind), "{errors:?}");
        assert!(errors.iter().all(Diagnostic::is_error));
    }

    #[test]
    fn warnings_travel_with_the_plan() {
        let mut flow = Flow::new(
            "f",
            "F",
            Trigger {
                kind: "manual".into(),
                ..Trigger::default()
            },
        );
        flow.steps = vec![step("a", "get_alert", json!({ "alertId": "x" }))];
        flow.edges = vec![edge(TRIGGER_ID, "a", None), edge(TRIGGER_ID, "a", None)];
        let plan = Plan::check(&flow).unwrap();
        assert_eq!(plan.warnings()[0].code, DiagnosticCode::DuplicateEdge);
        assert_eq!(plan.steps()[0].title, "Get alert");
    }
}
