//! What the engine needs from the outside world, as small traits.
//!
//! The engine never talks HTTP or SMTP itself: it asks a [`Defender`] for alerts and isolations
//! and a [`Mailer`] for emails. The real implementations wrap the Defender client and the email
//! crate (see `live`); the engine's own unit tests use in-memory ones, while the integration tests
//! use the real ones against the emulator and its SMTP server.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a call to the outside failed, in the terms the engine needs: a stable code and message
/// for the run record, and whether to try again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ActionError {
    /// The API's own code (`ResourceNotFound`, `TooManyRequests`, …) or ours (`smtp_connection`).
    pub code: String,
    pub message: String,
    /// Whether another attempt could succeed (429, 5xx, timeouts, connection errors).
    pub retryable: bool,
    /// The server's `Retry-After`, when it sent one.
    #[serde(default, with = "optional_millis")]
    pub retry_after: Option<Duration>,
}

impl ActionError {
    pub fn permanent(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            retryable: false,
            retry_after: None,
        }
    }

    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            retryable: true,
            retry_after: None,
        }
    }
}

mod optional_millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(
        clippy::ref_option,
        reason = "serde's `with` hands the field by reference"
    )]
    pub fn serialize<S: Serializer>(
        value: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(duration) => serializer.serialize_some(&(duration.as_millis() as u64)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(deserializer)?.map(Duration::from_millis))
    }
}

/// The error code for Defender's documented 400 "Action is already in progress".
pub const ACTION_ALREADY_IN_PROGRESS: &str = "ActionAlreadyInProgress";

/// An isolation request as the engine sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationRequest {
    pub machine_id: String,
    /// `Full` or `Selective`.
    pub isolation_type: String,
    pub comment: String,
}

/// A release from isolation as the engine sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRequest {
    pub machine_id: String,
    pub comment: String,
}

/// The Defender operations flows use today. Alerts and machine actions travel as the API's
/// own JSON, because that JSON is what a step outputs and what later steps reference.
pub trait Defender: Send + Sync {
    fn get_alert<'a>(&'a self, alert_id: &'a str) -> BoxFuture<'a, Result<Value, ActionError>>;

    /// Alerts created at or after `since` (RFC 3339), oldest first, every page.
    fn alerts_created_since<'a>(
        &'a self,
        since: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>>;

    /// The machine's actions of one type (`Isolate`, `Unisolate`, …), newest first: where a
    /// step looks for the action an earlier attempt of it started.
    fn machine_actions<'a>(
        &'a self,
        machine_id: &'a str,
        action_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>>;

    fn isolate<'a>(
        &'a self,
        request: &'a IsolationRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>>;

    /// Releases the machine from isolation (`POST /api/machines/{id}/unisolate`).
    fn release<'a>(
        &'a self,
        request: &'a ReleaseRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>>;
}

/// An email as the engine sends it (templates already rendered).
pub use flowguard_email::OutgoingEmail;

/// Sends emails; `connection` names the mail connection the step chose (`smtp`, `graph`).
pub trait Mailer: Send + Sync {
    fn send<'a>(
        &'a self,
        connection: &'a str,
        email: &'a OutgoingEmail,
    ) -> BoxFuture<'a, Result<Value, ActionError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_json_for_the_run_record() {
        let error = ActionError {
            retry_after: Some(Duration::from_secs(3)),
            ..ActionError::retryable("TooManyRequests", "slow down")
        };
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["retry_after"], 3000);
        let back: ActionError = serde_json::from_value(json).unwrap();
        assert_eq!(back, error);
        assert_eq!(error.to_string(), "slow down (TooManyRequests)");
    }
}
