//! Condition: its output is the expression's truth (Jinja truthiness), and it leaves by the
//! `true` or the `false` port accordingly.

use serde_json::{Value, json};

use flowguard_model::kinds::condition::{Input, KIND};

use super::{StepCall, StepKind};
use crate::connectors::{ActionError, BoxFuture};

pub struct Step;

impl StepKind for Step {
    const KIND: &'static str = KIND;
    type Input = Input;

    fn perform<'a>(
        &'a self,
        _call: &'a StepCall<'a>,
        input: Input,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move { Ok(json!({ "result": truthy(&input.expression) })) })
    }

    fn branch(&self, output: &Value) -> Option<bool> {
        Some(output["result"].as_bool().unwrap_or(false))
    }
}

/// Jinja truthiness on JSON: false, null, 0, "", [] and {} are false.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_follows_jinja() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!truthy(&falsy), "{falsy}");
        }
        for true_ in [
            json!(true),
            json!(1.5),
            json!("no"),
            json!([0]),
            json!({"a": 1}),
        ] {
            assert!(truthy(&true_), "{true_}");
        }
    }
}
