//! The live [`Defender`]: the Defender client, with its answers as the API's own JSON (what
//! steps output) and its errors as [`ActionError`]s (the API's code, retryable or not).

use serde_json::Value;

use flowguard_defender::entities::IsolationType;
use flowguard_defender::{DefenderClient, DefenderError, ListQuery};

pub use crate::connectors::ACTION_ALREADY_IN_PROGRESS;
use crate::connectors::{ActionError, BoxFuture, Defender, IsolationRequest, ReleaseRequest};

/// [`Defender`] over the real client (against a tenant or the emulator).
#[derive(Clone)]
pub struct LiveDefender {
    client: DefenderClient,
}

impl LiveDefender {
    pub fn new(client: DefenderClient) -> Self {
        Self { client }
    }

    pub fn client(&self) -> &DefenderClient {
        &self.client
    }
}

/// Maps a client error to the engine's terms.
pub fn action_error(error: &DefenderError) -> ActionError {
    let (code, retry_after) = match error.api() {
        _ if error.is_action_already_in_progress() => (ACTION_ALREADY_IN_PROGRESS.to_owned(), None),
        Some(api) if !api.code.is_empty() => (api.code.clone(), api.retry_after),
        Some(api) => (format!("http_{}", api.status), api.retry_after),
        None => (
            match error {
                DefenderError::Timeout { .. } => "timeout",
                DefenderError::Connection { .. } => "connection",
                DefenderError::Token(_) => "token",
                DefenderError::Decode { .. } => "decode",
                DefenderError::Config(_) => "config",
                DefenderError::ForeignNextLink { .. } => "foreign_next_link",
                DefenderError::Api(_) => "api",
            }
            .to_owned(),
            None,
        ),
    };
    ActionError {
        code,
        message: error.to_string(),
        retryable: error.is_retryable(),
        retry_after,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ActionError> {
    serde_json::to_value(value).map_err(|error| ActionError::permanent("decode", error.to_string()))
}

/// Quotes a value inside an OData string literal.
fn odata_string(value: &str) -> String {
    value.replace('\'', "''")
}

impl Defender for LiveDefender {
    fn get_alert<'a>(&'a self, alert_id: &'a str) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let alert = self
                .client
                .get_alert(alert_id)
                .await
                .map_err(|e| action_error(&e))?;
            to_json(&alert)
        })
    }

    fn alerts_created_since<'a>(
        &'a self,
        since: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>> {
        Box::pin(async move {
            let query = ListQuery::new().filter(format!("alertCreationTime ge {since}"));
            let mut alerts = self
                .client
                .list_all_alerts(&query)
                .await
                .map_err(|e| action_error(&e))?;
            alerts.sort_by_key(|alert| alert.alert_creation_time);
            alerts.iter().map(to_json).collect()
        })
    }

    fn machine_actions<'a>(
        &'a self,
        machine_id: &'a str,
        action_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>> {
        Box::pin(async move {
            let query = ListQuery::new().filter(format!(
                "machineId eq '{}' and type eq '{}'",
                odata_string(machine_id),
                odata_string(action_type)
            ));
            let page = self
                .client
                .list_machine_actions(&query)
                .await
                .map_err(|e| action_error(&e))?;
            page.value.iter().map(to_json).collect()
        })
    }

    fn isolate<'a>(
        &'a self,
        request: &'a IsolationRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let isolation_type = IsolationType::from_wire(&request.isolation_type);
            let action = self
                .client
                .isolate(&request.machine_id, &request.comment, isolation_type)
                .await
                .map_err(|e| action_error(&e))?;
            to_json(&action)
        })
    }

    fn release<'a>(
        &'a self,
        request: &'a ReleaseRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let action = self
                .client
                .unisolate(&request.machine_id, &request.comment)
                .await
                .map_err(|e| action_error(&e))?;
            to_json(&action)
        })
    }
}
