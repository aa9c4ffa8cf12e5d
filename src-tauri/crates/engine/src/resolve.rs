//! Turns a step's configured inputs into the values it runs with.
//!
//! The node kind's schema (from the model) says how to read each field: templates are rendered
//! against the run's context, expressions evaluated, email lists split and rendered entry by
//! entry, and everything else passed through. A missing input takes the schema's default. The
//! result is what the step run records as its *resolved input*, so the run view shows exactly
//! what was sent. A template field the schema marks `html_when` (the email body in HTML format)
//! escapes what it inserts.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use flowguard_model::expr;
use flowguard_model::kinds::{FieldType, NodeKindSpec};

/// A field that could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input {field}: {message}")]
pub struct ResolveError {
    pub field: String,
    pub message: String,
}

/// The run's context: `{ "trigger": …, "steps": { id: output } }`.
pub fn context(trigger: &Value, steps: &BTreeMap<String, Value>) -> Value {
    let steps: Map<String, Value> = steps
        .iter()
        .map(|(id, output)| (id.clone(), output.clone()))
        .collect();
    serde_json::json!({ "trigger": trigger, "steps": steps })
}

/// Resolves every input of `spec` from `inputs` against `context`.
pub fn resolve_inputs(
    spec: &NodeKindSpec,
    inputs: &BTreeMap<String, Value>,
    context: &Value,
) -> Result<Map<String, Value>, ResolveError> {
    // The value of an input as the step runs with it: written, else the schema's default.
    let value_of = |name: &str| {
        inputs
            .get(name)
            .filter(|value| !value.is_null())
            .or_else(|| spec.input(name).map(|field| &field.default))
    };
    let mut resolved = Map::new();
    for field in &spec.inputs {
        let raw = inputs
            .get(&field.name)
            .filter(|value| !value.is_null())
            .unwrap_or(&field.default);
        if raw.is_null() {
            continue;
        }
        let error = |message: String| ResolveError {
            field: field.name.clone(),
            message,
        };
        let value = match field.field_type {
            FieldType::Template => {
                let source = as_text(raw);
                let compiled = expr::compile_template(&source).map_err(|e| error(e.to_string()))?;
                let html = field.html_when.as_ref().is_some_and(|(name, html_value)| {
                    value_of(name).and_then(Value::as_str) == Some(html_value.as_str())
                });
                let rendered = if html {
                    compiled.render_html(context)
                } else {
                    compiled.render(context)
                };
                Value::String(rendered.map_err(|e| error(e.to_string()))?)
            }
            FieldType::Expression => {
                let source = as_text(raw);
                let compiled =
                    expr::compile_expression(&source).map_err(|e| error(e.to_string()))?;
                compiled.eval(context).map_err(|e| error(e.to_string()))?
            }
            FieldType::EmailList => {
                let mut addresses = Vec::new();
                for entry in email_entries(raw) {
                    let rendered =
                        expr::render_template(&entry, context).map_err(|e| error(e.to_string()))?;
                    addresses
                        .extend(split_addresses(&rendered).map(|a| Value::String(a.to_owned())));
                }
                Value::Array(addresses)
            }
            FieldType::Text
            | FieldType::Enum
            | FieldType::Number
            | FieldType::Bool
            | FieldType::Cron
            | FieldType::Timezone => raw.clone(),
        };
        resolved.insert(field.name.clone(), value);
    }
    Ok(resolved)
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The entries of an email-list input: a JSON array of strings, or one string.
fn email_entries(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(as_text).collect(),
        other => vec![as_text(other)],
    }
}

fn split_addresses(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|address| !address.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(kind: &str) -> &'static NodeKindSpec {
        flowguard_model::kinds::node_kind(kind).unwrap()
    }

    fn seed_context() -> Value {
        let steps = BTreeMap::from([(
            "get_alert".to_owned(),
            json!({ "severity": "High", "title": "Ransomware <b>behaviour</b>", "computerDnsName": "pc-7" }),
        )]);
        context(&json!({ "alertId": "da1", "machineId": "m1" }), &steps)
    }

    #[test]
    fn defaults_and_templates_resolve_against_the_context() {
        let resolved =
            resolve_inputs(spec("isolate_machine"), &BTreeMap::new(), &seed_context()).unwrap();
        assert_eq!(resolved["machineId"], "m1");
        assert_eq!(resolved["isolationType"], "Full");
        assert_eq!(resolved["comment"], "Isolated by Flowguard for alert da1");
    }

    #[test]
    fn a_condition_evaluates_its_expression() {
        let inputs = BTreeMap::from([(
            "expression".to_owned(),
            json!("steps.get_alert.severity == \"High\""),
        )]);
        let resolved = resolve_inputs(spec("condition"), &inputs, &seed_context()).unwrap();
        assert_eq!(resolved["expression"], true);
    }

    #[test]
    fn email_lists_split_and_html_bodies_escape() {
        let inputs = BTreeMap::from([
            (
                "to".to_owned(),
                json!("soc@contoso.com; {{ 'oncall@contoso.com' }}"),
            ),
            (
                "subject".to_owned(),
                json!("[{{ steps.get_alert.severity }}] {{ steps.get_alert.title }}"),
            ),
            (
                "body".to_owned(),
                json!(
                    "<p>{{ steps.get_alert.title }} on {{ steps.get_alert.computerDnsName }}</p>"
                ),
            ),
            ("bodyFormat".to_owned(), json!("html")),
        ]);
        let resolved = resolve_inputs(spec("send_email"), &inputs, &seed_context()).unwrap();
        assert_eq!(
            resolved["to"],
            json!(["soc@contoso.com", "oncall@contoso.com"])
        );
        assert_eq!(resolved["subject"], "[High] Ransomware <b>behaviour</b>");
        assert_eq!(
            resolved["body"],
            "<p>Ransomware &lt;b&gt;behaviour&lt;&#x2f;b&gt; on pc-7</p>"
        );
    }

    #[test]
    fn a_reference_to_missing_data_names_the_field() {
        let inputs = BTreeMap::from([(
            "machineId".to_owned(),
            json!("{{ steps.nowhere.machineId }}"),
        )]);
        let error = resolve_inputs(spec("isolate_machine"), &inputs, &seed_context()).unwrap_err();
        assert_eq!(error.field, "machineId");
        assert!(error.to_string().starts_with("input machineId:"), "{error}");
    }
}
