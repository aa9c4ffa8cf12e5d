//! The email preview: a Send Email step's fields rendered the way the engine renders them when it
//! sends (through the engine's resolver, `flowguard_engine::resolve`), against the flow's newest
//! run, or, before the flow has run, against a sample alert and each upstream step's documented
//! example outputs (the node kinds' specs). The preview knows no step kind's behaviour: what a
//! step outputs comes from the run or from the spec.

use std::collections::BTreeMap;

use serde_json::Value;

use flowguard_engine::service::sample_trigger;
use flowguard_ipc::{CommandError, EmailPreview, Flow};
use flowguard_model::NodeKindSpec;
use flowguard_store::Store;
use flowguard_store::runs::RunFilter;

/// How many of the flow's newest runs are looked at for one that got past its trigger.
const RECENT_RUNS: usize = 20;

/// The data a preview renders against, and where it came from.
fn context(store: &Store, flow: &Flow, kinds: &[NodeKindSpec]) -> (Value, String) {
    let newest = store
        .list_runs(&RunFilter {
            flow_id: Some(flow.id.clone()),
            status: None,
            limit: Some(RECENT_RUNS),
            before: None,
        })
        .unwrap_or_default()
        .into_iter()
        .find(|run| run.status != "queued");
    if let Some(run) = newest.and_then(|summary| store.get_run(&summary.id).ok()) {
        let steps: BTreeMap<String, Value> = run
            .steps
            .iter()
            .filter_map(|step| Some((step.step_id.clone(), step.output.clone()?)))
            .collect();
        let context = flowguard_engine::resolve::context(&run.trigger_payload, &steps);
        return (context, format!("the run of {}", run.created_at));
    }
    let steps: BTreeMap<String, Value> = flow
        .steps
        .iter()
        .map(|step| {
            let outputs: serde_json::Map<String, Value> = kinds
                .iter()
                .find(|spec| spec.kind == step.kind)
                .map(|spec| {
                    spec.outputs
                        .iter()
                        .map(|out| (out.name.clone(), out.example.clone()))
                        .collect()
                })
                .unwrap_or_default();
            (step.id.clone(), Value::Object(outputs))
        })
        .collect();
    (
        flowguard_engine::resolve::context(&sample_trigger(), &steps),
        "a sample alert".to_owned(),
    )
}

/// A resolved address list or text as one line.
fn line(value: Value) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(text) => text,
        _ => String::new(),
    }
}

/// Renders step `node_id` (a kind whose spec has the email preview) of `flow`.
pub fn email(store: &Store, flow: &Flow, node_id: &str) -> Result<EmailPreview, CommandError> {
    let step = flow
        .steps
        .iter()
        .find(|step| step.id == node_id)
        .ok_or_else(|| CommandError::invalid(format!("the flow has no step {node_id:?}")))?;
    let kinds = flowguard_model::node_kinds();
    let spec = kinds
        .iter()
        .find(|spec| spec.kind == step.kind)
        .ok_or_else(|| {
            CommandError::invalid(format!(
                "step {node_id:?} has the unknown kind {}",
                step.kind
            ))
        })?;
    if spec.kind != "send_email" {
        return Err(CommandError::invalid(format!(
            "step {node_id:?} is a {} step, not Send Email",
            spec.title
        )));
    }
    let (context, source) = context(store, flow, &kinds);
    let mut errors = Vec::new();
    // One field at a time, so that a template error in one field names that field and the others
    // still render.
    let mut field = |name: &str| -> Value {
        let single = NodeKindSpec {
            inputs: spec
                .inputs
                .iter()
                .filter(|input| input.name == name)
                .cloned()
                .collect(),
            ..spec.clone()
        };
        let mut inputs = step.inputs.clone();
        // The body format decides whether the body renders as escaped HTML.
        inputs.retain(|key, _| key == name || key == "bodyFormat");
        match flowguard_engine::resolve::resolve_inputs(&single, &inputs, &context) {
            Ok(mut resolved) => resolved.remove(name).unwrap_or(Value::Null),
            Err(error) => {
                errors.push(error.to_string());
                Value::Null
            }
        }
    };
    let to = line(field("to"));
    let cc = line(field("cc"));
    let subject = line(field("subject"));
    let body = line(field("body"));
    let html = step.inputs.get("bodyFormat").and_then(Value::as_str) == Some("html");
    Ok(EmailPreview {
        to,
        cc,
        subject,
        body,
        html,
        source,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowguard_ipc::CommandErrorKind;
    use flowguard_store::runs::NewRun;
    use serde_json::json;

    fn seed() -> Flow {
        flowguard_model::templates::get("isolate-high-severity").unwrap()
    }

    fn email_step(flow: &Flow) -> String {
        flow.steps
            .iter()
            .find(|step| step.kind == "send_email")
            .unwrap()
            .id
            .clone()
    }

    #[test]
    fn before_any_run_the_preview_renders_the_documented_examples() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        let preview = email(&store, &flow, &email_step(&flow)).unwrap();
        assert_eq!(preview.source, "a sample alert");
        assert!(preview.errors.is_empty(), "{:?}", preview.errors);
        // `steps.get_alert.*` comes from Get alert's documented outputs, `trigger.*` from the
        // sample alert.
        let get_alert = flowguard_model::node_kind("get_alert").unwrap();
        let title = get_alert
            .outputs
            .iter()
            .find(|output| output.name == "title")
            .unwrap()
            .example
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            preview.subject.contains(&title),
            "{} does not name {title}",
            preview.subject
        );
        assert!(
            preview.body.contains("da637551227677560813_-961444813"),
            "{}",
            preview.body
        );
        assert!(!preview.to.is_empty());
        assert!(!preview.html);
    }

    #[test]
    fn the_preview_uses_the_newest_run_and_names_bad_templates() {
        let store = Store::open_in_memory().unwrap();
        let mut flow = seed();
        store.save_flow(&flow).unwrap();
        let mut alert = sample_trigger();
        alert["title"] = json!("Ransomware on pc-7");
        alert["alert"]["title"] = json!("Ransomware on pc-7");
        let run_id = store
            .create_run(&NewRun {
                flow_id: flow.id.clone(),
                flow_version: 1,
                trigger_kind: "alert_created".into(),
                source: flowguard_model::RunSource::Manual,
                trigger_payload: alert.clone(),
                dry_run: false,
                rerun_of: None,
            })
            .unwrap();
        store.mark_run_started(&run_id).unwrap();
        let id = email_step(&flow);
        let step = flow.steps.iter_mut().find(|s| s.id == id).unwrap();
        step.inputs.insert(
            "subject".into(),
            json!("{{ trigger.title }} {{ steps.nope.x }}"),
        );
        step.inputs
            .insert("body".into(), json!("Alert {{ trigger.title }}"));
        let preview = email(&store, &flow, &id).unwrap();
        assert!(
            preview.source.starts_with("the run of"),
            "{}",
            preview.source
        );
        assert_eq!(preview.body, "Alert Ransomware on pc-7");
        assert!(
            preview
                .errors
                .iter()
                .any(|e| e.starts_with("input subject:")),
            "{:?}",
            preview.errors
        );
    }

    #[test]
    fn the_preview_refuses_a_step_that_is_not_an_email() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        let other = flow.steps.iter().find(|s| s.kind != "send_email").unwrap();
        let error = email(&store, &flow, &other.id).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        let error = email(&store, &flow, "no-such-step").unwrap_err();
        assert!(error.message.contains("no-such-step"), "{}", error.message);
    }
}
