//! Get alert: reads one alert. When the trigger has just fetched that very alert it is reused
//! instead of a second call; the output's `retrievedFrom` says which (`trigger` or `api`).

use serde_json::Value;

use flowguard_model::kinds::get_alert::{Input, KIND};

use super::{StepCall, StepKind, require};
use crate::connectors::{ActionError, BoxFuture};

pub struct Step;

impl StepKind for Step {
    const KIND: &'static str = KIND;
    type Input = Input;

    fn perform<'a>(
        &'a self,
        call: &'a StepCall<'a>,
        input: Input,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            require(call, &input.alert_id, "alert id")?;
            let from_trigger = call
                .trigger
                .get("alert")
                .filter(|alert| alert["id"] == input.alert_id.as_str());
            let (mut alert, source) = match from_trigger {
                Some(alert) => (alert.clone(), "trigger"),
                None => (call.defender.get_alert(&input.alert_id).await?, "api"),
            };
            if let Value::Object(fields) = &mut alert {
                fields.insert("retrievedFrom".to_owned(), Value::String(source.to_owned()));
            }
            Ok(alert)
        })
    }
}
