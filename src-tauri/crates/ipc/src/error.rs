//! The one error every command returns, and the one conversion into it from each core crate's
//! error. Hosts (the app's Tauri commands, `flowguard-commands`) use `?` on store, engine, secret
//! and parse errors and get the same `kind` for the same failure everywhere: a missing flow is
//! always `not_found`, a taken id always `conflict`, a flow with errors always `invalid_input`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use flowguard_engine::service::EngineError;
use flowguard_model::parse::ParseError;
use flowguard_secrets::SecretError;
use flowguard_store::StoreError;

/// What every command returns when it fails: a stable kind the UI can branch on, and a message
/// a person can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: CommandErrorKind,
    pub message: String,
}

/// The families of command failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CommandErrorKind {
    /// The UI sent something the command refuses (a bad id, an invalid flow, …).
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The thing exists already (importing a flow whose id is taken).
    Conflict,
    /// The engine is not running or not reachable (another executor holds the database).
    Unavailable,
    /// The database, a connector or the file system failed.
    Internal,
}

impl CommandError {
    pub fn new(kind: CommandErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The input is refused; `message` says why, in plain words.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::InvalidInput, message)
    }

    /// The thing asked for does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::NotFound, message)
    }

    /// The thing exists already.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Conflict, message)
    }

    /// The engine is not running (the message says why).
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Unavailable, message)
    }

    /// Something below the command failed (the database, a connector, the file system).
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(CommandErrorKind::Internal, message.to_string())
    }
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        let kind = match &error {
            StoreError::FlowNotFound(_)
            | StoreError::VersionNotFound { .. }
            | StoreError::RunNotFound(_) => CommandErrorKind::NotFound,
            StoreError::FlowExists(_) => CommandErrorKind::Conflict,
            StoreError::HasErrors { .. }
            | StoreError::NotPublished(_)
            | StoreError::SecretInConnection { .. }
            | StoreError::InvalidConnection { .. } => CommandErrorKind::InvalidInput,
            _ => CommandErrorKind::Internal,
        };
        Self::new(kind, error.to_string())
    }
}

impl From<EngineError> for CommandError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::Store(error) => error.into(),
            EngineError::NoSuchFlow(_) => Self::not_found(error.to_string()),
            EngineError::NotPublished(_) => Self::invalid(error.to_string()),
            EngineError::Poll(error) => {
                Self::unavailable(format!("cannot read the alerts from Defender: {error}"))
            }
            other => Self::internal(other),
        }
    }
}

impl From<SecretError> for CommandError {
    fn from(error: SecretError) -> Self {
        match error {
            SecretError::UnknownBackend { .. } => Self::invalid(error.to_string()),
            other => Self::internal(other),
        }
    }
}

impl From<ParseError> for CommandError {
    fn from(error: ParseError) -> Self {
        Self::invalid(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_store_failure_is_the_same_kind_everywhere() {
        let cases = [
            (
                StoreError::FlowNotFound("f".into()),
                CommandErrorKind::NotFound,
            ),
            (
                StoreError::RunNotFound("r".into()),
                CommandErrorKind::NotFound,
            ),
            (
                StoreError::VersionNotFound {
                    flow_id: "f".into(),
                    version: 3,
                },
                CommandErrorKind::NotFound,
            ),
            (
                StoreError::FlowExists("f".into()),
                CommandErrorKind::Conflict,
            ),
            (
                StoreError::HasErrors {
                    flow_id: "f".into(),
                    action: "published",
                    count: 1,
                    summary: "Subject is required".into(),
                    diagnostics: Vec::new(),
                },
                CommandErrorKind::InvalidInput,
            ),
            (
                StoreError::Json(serde_json::from_str::<i32>("x").unwrap_err()),
                CommandErrorKind::Internal,
            ),
        ];
        for (error, kind) in cases {
            let message = error.to_string();
            let converted = CommandError::from(error);
            assert_eq!(converted.kind, kind, "{message}");
            assert_eq!(converted.message, message);
        }
    }

    #[test]
    fn an_engine_error_wrapping_a_store_error_keeps_its_kind() {
        let error: CommandError =
            EngineError::Store(StoreError::FlowNotFound("gone".into())).into();
        assert_eq!(error.kind, CommandErrorKind::NotFound);
        let error: CommandError = EngineError::NoSuchFlow("gone".into()).into();
        assert_eq!(error.kind, CommandErrorKind::NotFound);
    }

    #[test]
    fn errors_serialize_as_kind_and_message() {
        let json = serde_json::to_value(CommandError::conflict("taken")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "conflict", "message": "taken"})
        );
    }
}
