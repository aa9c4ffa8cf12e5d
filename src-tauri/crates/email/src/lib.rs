//! Sends the emails flows ask for, through SMTP (lettre) or Microsoft Graph `sendMail` with the
//! tenant's Entra app (permission `Mail.Send`).
//!
//! Both senders take the same [`OutgoingEmail`] and fail with the same [`EmailError`], whose
//! [`EmailError::is_retryable`] tells the engine whether another attempt can help (a refused
//! connection, a 4xx SMTP reply, a Graph 429/5xx) or not (a bad address, a 5xx SMTP reply, a
//! Graph 400/403). Passwords arrive as [`flowguard_secrets::Secret`] and are never logged.

mod graph;
mod smtp;

pub use graph::{AccessTokenSource, GRAPH_BASE_URL, GRAPH_SCOPE, GraphMailer, TokenFuture};
pub use smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};

use serde::{Deserialize, Serialize};

/// The body's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    #[default]
    Text,
    Html,
}

/// One email, already rendered (templates resolved by the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub format: BodyFormat,
}

/// What the server said when it took the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    /// The Message-ID header (SMTP) or the Graph request id.
    pub message_id: String,
    /// Every recipient, To and Cc.
    pub recipients: Vec<String>,
    /// The transport: `smtp` or `graph`.
    pub transport: String,
    /// The server's reply, e.g. `250 2.0.0 Ok: queued`.
    pub server_reply: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("invalid email address {address:?}: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("the email has no recipient")]
    NoRecipient,
    #[error("invalid mail settings: {0}")]
    Settings(String),
    #[error("cannot reach the SMTP server {server}: {message}")]
    Connection { server: String, message: String },
    #[error("the SMTP server {server} timed out")]
    Timeout { server: String },
    #[error("the SMTP server {server} refused the message for now ({code}): {message}")]
    TemporaryRejection {
        server: String,
        code: String,
        message: String,
    },
    #[error("the SMTP server {server} refused the message ({code}): {message}")]
    Rejected {
        server: String,
        code: String,
        message: String,
    },
    #[error("TLS with the SMTP server {server} failed: {message}")]
    Tls { server: String, message: String },
    #[error("cannot get a token for Microsoft Graph: {0}")]
    Token(String),
    #[error("Microsoft Graph answered {status} {code}: {message}")]
    Graph {
        status: u16,
        code: String,
        message: String,
    },
    #[error("cannot reach Microsoft Graph: {0}")]
    GraphTransport(String),
}

impl EmailError {
    /// Whether another attempt could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connection { .. }
            | Self::Timeout { .. }
            | Self::TemporaryRejection { .. }
            | Self::GraphTransport(_)
            | Self::Token(_) => true,
            Self::Graph { status, .. } => *status == 429 || *status >= 500,
            Self::InvalidAddress { .. }
            | Self::NoRecipient
            | Self::Settings(_)
            | Self::Rejected { .. }
            | Self::Tls { .. } => false,
        }
    }

    /// A short, stable code for run records and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidAddress { .. } => "invalid_address",
            Self::NoRecipient => "no_recipient",
            Self::Settings(_) => "mail_settings",
            Self::Connection { .. } => "smtp_connection",
            Self::Timeout { .. } => "smtp_timeout",
            Self::TemporaryRejection { .. } => "smtp_temporary_rejection",
            Self::Rejected { .. } => "smtp_rejected",
            Self::Tls { .. } => "smtp_tls",
            Self::Token(_) => "graph_token",
            Self::Graph { .. } => "graph_error",
            Self::GraphTransport(_) => "graph_transport",
        }
    }
}

/// Checks an address the way the SMTP sender will parse it.
pub fn check_address(address: &str) -> Result<(), EmailError> {
    address
        .trim()
        .parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|error| EmailError::InvalidAddress {
            address: address.to_owned(),
            reason: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert!(check_address("soc@contoso.com").is_ok());
        let error = check_address("soc at contoso").unwrap_err();
        assert_eq!(error.code(), "invalid_address");
        assert!(!error.is_retryable());
    }

    #[test]
    fn retryable_is_a_property_of_the_error() {
        let connection = EmailError::Connection {
            server: "h:25".into(),
            message: "refused".into(),
        };
        assert!(connection.is_retryable());
        let graph_throttled = EmailError::Graph {
            status: 429,
            code: "x".into(),
            message: "y".into(),
        };
        assert!(graph_throttled.is_retryable());
        let graph_forbidden = EmailError::Graph {
            status: 403,
            code: "x".into(),
            message: "y".into(),
        };
        assert!(!graph_forbidden.is_retryable());
    }
}
