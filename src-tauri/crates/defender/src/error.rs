//! Typed errors. Retryable and permanent failures are told apart by [`DefenderError::kind`], never
//! by matching strings; the API's error body keeps its code, message and request id.

use std::fmt;
use std::time::Duration;

use crate::config::ConfigError;

/// Which operation failed; it names the permission the operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    GetToken,
    ListAlerts,
    GetAlert,
    UpdateAlert,
    AlertMachine,
    ListMachines,
    GetMachine,
    Isolate,
    Unisolate,
    RunAntivirusScan,
    CollectInvestigationPackage,
    RestrictCodeExecution,
    UnrestrictCodeExecution,
    ListMachineActions,
    GetMachineAction,
    CancelMachineAction,
    AdvancedHunting,
    SubmitIndicator,
}

impl Operation {
    /// The application permission (WindowsDefenderATP) this operation needs.
    #[must_use]
    pub fn permission(self) -> &'static str {
        match self {
            Self::GetToken => "admin consent for WindowsDefenderATP",
            Self::ListAlerts | Self::GetAlert => "Alert.Read.All",
            Self::UpdateAlert => "Alert.ReadWrite.All",
            Self::AlertMachine
            | Self::ListMachines
            | Self::GetMachine
            | Self::ListMachineActions
            | Self::GetMachineAction => "Machine.Read.All",
            Self::Isolate | Self::Unisolate => "Machine.Isolate",
            Self::RunAntivirusScan => "Machine.Scan",
            Self::CollectInvestigationPackage => "Machine.CollectForensics",
            Self::RestrictCodeExecution | Self::UnrestrictCodeExecution => {
                "Machine.RestrictExecution"
            }
            Self::CancelMachineAction => "Machine.ReadWrite.All",
            Self::AdvancedHunting => "AdvancedQuery.Read.All",
            Self::SubmitIndicator => "Ti.ReadWrite.All",
        }
    }

    /// False for the calls that create something (machine actions, cancel, indicators): a timeout
    /// may hide a call that did happen, so the client does not repeat those after a timeout.
    #[must_use]
    pub fn is_idempotent(self) -> bool {
        !matches!(
            self,
            Self::Isolate
                | Self::Unisolate
                | Self::RunAntivirusScan
                | Self::CollectInvestigationPackage
                | Self::RestrictCodeExecution
                | Self::UnrestrictCodeExecution
                | Self::CancelMachineAction
        )
    }

    /// A short human name.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::GetToken => "get a token",
            Self::ListAlerts => "list alerts",
            Self::GetAlert => "get an alert",
            Self::UpdateAlert => "update an alert",
            Self::AlertMachine => "get an alert's machine",
            Self::ListMachines => "list machines",
            Self::GetMachine => "get a machine",
            Self::Isolate => "isolate a machine",
            Self::Unisolate => "release a machine from isolation",
            Self::RunAntivirusScan => "run an antivirus scan",
            Self::CollectInvestigationPackage => "collect an investigation package",
            Self::RestrictCodeExecution => "restrict app execution",
            Self::UnrestrictCodeExecution => "remove the app execution restriction",
            Self::ListMachineActions => "list machine actions",
            Self::GetMachineAction => "get a machine action",
            Self::CancelMachineAction => "cancel a machine action",
            Self::AdvancedHunting => "run an advanced hunting query",
            Self::SubmitIndicator => "submit an indicator",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Whether trying again later may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 429, 5xx, timeouts, connection errors.
    Retryable,
    /// Everything else: retrying the same call gives the same answer.
    Permanent,
}

/// An error answer of the Defender API (`{"error":{"code","message","target"}}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The operation that failed.
    pub operation: Operation,
    /// HTTP status.
    pub status: u16,
    /// The documented code (`ResourceNotFound`, `BadRequest`, ...); empty when the body had none.
    pub code: String,
    /// Free text; may change, match on `code` or the predicates instead.
    pub message: String,
    /// The per-request tracking id (the body's `target`, else a `request-id` header).
    pub request_id: Option<String>,
    /// The Retry-After of a 429, when present.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// 429, or 5xx.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.status == 429 || (500..600).contains(&self.status)
    }

    /// The documented 400 "Action is already in progress" (or a collection already running).
    #[must_use]
    pub fn is_action_already_in_progress(&self) -> bool {
        if self.status != 400 {
            return false;
        }
        let message = self.message.to_ascii_lowercase();
        message.contains("already in progress")
            || message.contains("already running")
            || message.contains("pending machine action")
            || self.code.eq_ignore_ascii_case("ActionAlreadyPending")
    }

    /// 404 (`NotFound`, `ResourceNotFound`).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// 403: the token is valid but the app registration lacks a permission.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        self.status == 403
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            operation,
            status,
            code,
            message,
            ..
        } = self;
        write!(f, "could not {operation}: HTTP {status}")?;
        if !code.is_empty() {
            write!(f, " {code}")?;
        }
        if !message.is_empty() {
            write!(f, ": {message}")?;
        }
        if *status == 403 {
            let permission = operation.permission();
            write!(
                f,
                " (the app registration lacks the {permission} application permission (WindowsDefenderATP API); add it and grant admin consent)"
            )?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

/// A failure of the token request, with Entra's error and description (which starts with the
/// AADSTS code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// Entra's `error` (e.g. `invalid_client`), or a short description of a transport failure.
    pub error: String,
    /// Entra's `error_description`, e.g. `AADSTS7000215: Invalid client secret provided...`.
    pub description: Option<String>,
    /// True when the token endpoint could not be reached (worth retrying).
    pub transport: bool,
    /// When it could not be reached: the step that failed (DNS, connect, TLS) and why.
    pub network: Option<crate::diagnosis::NetworkFailure>,
}

impl TokenError {
    /// The AADSTS code at the start of the description, e.g. `AADSTS7000215`.
    #[must_use]
    pub fn aadsts_code(&self) -> Option<&str> {
        let description = self.description.as_deref()?;
        let start = description.find("AADSTS")?;
        let rest = &description[start..];
        let end = rest[6..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |offset| offset + 6);
        (end > 6).then(|| &rest[..end])
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not get a token from Entra ID: {}", self.error)?;
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

/// Every failure of the Defender client.
#[derive(Debug, thiserror::Error)]
pub enum DefenderError {
    /// The configuration is invalid (reported before any call).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The token request failed.
    #[error("{0}")]
    Token(TokenError),
    /// The API answered with an error status.
    #[error("{0}")]
    Api(ApiError),
    /// No answer within the timeout.
    #[error("could not {operation}: no answer within {timeout:?}")]
    Timeout {
        operation: Operation,
        timeout: Duration,
    },
    /// The connection failed (DNS, refused, reset, TLS).
    #[error("could not {operation}: connection failed: {source}")]
    Connection {
        operation: Operation,
        #[source]
        source: reqwest::Error,
    },
    /// The answer was not the JSON we expected.
    #[error(
        "could not {operation}: the answer (HTTP {status}) is not valid: {reason}; body starts with: {snippet}"
    )]
    Decode {
        operation: Operation,
        status: u16,
        reason: String,
        snippet: String,
    },
    /// A nextLink pointed somewhere other than the configured API host (the token is not sent there).
    #[error("could not {operation}: the next page link `{link}` is not on the API host")]
    ForeignNextLink { operation: Operation, link: String },
}

impl DefenderError {
    /// Retryable (429, 5xx, timeouts, connection errors, unreachable token endpoint) or permanent.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        let retryable = match self {
            Self::Api(api) => api.is_retryable(),
            Self::Timeout { .. } | Self::Connection { .. } => true,
            Self::Token(token) => token.transport,
            Self::Config(_) | Self::Decode { .. } | Self::ForeignNextLink { .. } => false,
        };
        if retryable {
            ErrorKind::Retryable
        } else {
            ErrorKind::Permanent
        }
    }

    /// Shorthand for `kind() == Retryable`.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.kind() == ErrorKind::Retryable
    }

    /// The API error, when the API answered with one.
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The documented 400 "Action is already in progress".
    #[must_use]
    pub fn is_action_already_in_progress(&self) -> bool {
        self.api()
            .is_some_and(ApiError::is_action_already_in_progress)
    }

    /// 404.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(ApiError::is_not_found)
    }

    /// The API's error `code` (`ResourceNotFound`, `BadRequest`, `TooManyRequests`, ...), or
    /// Entra's `error` (`invalid_client`, ...) for a token failure.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(api) if !api.code.is_empty() => Some(&api.code),
            Self::Token(token) if !token.transport => Some(&token.error),
            _ => None,
        }
    }

    /// The HTTP status, when the API answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    /// True for a 429 (the client already honoured its Retry-After if attempts were left).
    #[must_use]
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// The `Retry-After` the API sent with a 429 (or a 503).
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// The permission missing, for a 403.
    #[must_use]
    pub fn missing_permission(&self) -> Option<&'static str> {
        self.api()
            .filter(|api| api.is_forbidden())
            .map(|api| api.operation.permission())
    }
}

/// The first characters of a body, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        cut.push('…');
    }
    if cut.is_empty() {
        "<empty>".to_owned()
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str, message: &str, operation: Operation) -> ApiError {
        ApiError {
            operation,
            status,
            code: code.to_owned(),
            message: message.to_owned(),
            request_id: Some("43f4cb08".to_owned()),
            retry_after: None,
        }
    }

    #[test]
    fn retryable_and_permanent_are_told_apart() {
        assert!(
            DefenderError::Api(api(429, "TooManyRequests", "", Operation::ListAlerts))
                .is_retryable()
        );
        assert!(DefenderError::Api(api(503, "", "", Operation::ListAlerts)).is_retryable());
        assert_eq!(
            DefenderError::Api(api(404, "ResourceNotFound", "x", Operation::GetAlert)).kind(),
            ErrorKind::Permanent
        );
        assert!(
            !DefenderError::Api(api(
                400,
                "BadRequest",
                "Action is already in progress",
                Operation::Isolate
            ))
            .is_retryable()
        );
    }

    #[test]
    fn code_status_and_retry_after_are_exposed() {
        let mut throttled = api(429, "TooManyRequests", "slow down", Operation::ListAlerts);
        throttled.retry_after = Some(Duration::from_secs(7));
        let error = DefenderError::Api(throttled);
        assert!(error.is_rate_limited());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(error.code(), Some("TooManyRequests"));
        assert_eq!(error.status(), Some(429));
        let token = DefenderError::Token(TokenError {
            error: "invalid_client".to_owned(),
            description: Some("AADSTS7000215: Invalid client secret provided.".to_owned()),
            transport: false,
            network: None,
        });
        assert_eq!(token.code(), Some("invalid_client"));
        assert_eq!(token.retry_after(), None);
        assert!(!token.is_retryable());
    }

    #[test]
    fn already_in_progress_is_recognised() {
        let error = DefenderError::Api(api(
            400,
            "BadRequest",
            "Action is already in progress",
            Operation::Isolate,
        ));
        assert!(error.is_action_already_in_progress());
        let other = DefenderError::Api(api(
            400,
            "InvalidRequestBody",
            "Comment is required",
            Operation::Isolate,
        ));
        assert!(!other.is_action_already_in_progress());
    }

    #[test]
    fn forbidden_names_the_permission() {
        let error = DefenderError::Api(api(403, "Forbidden", "denied", Operation::Isolate));
        assert_eq!(error.missing_permission(), Some("Machine.Isolate"));
        assert!(error.to_string().contains("Machine.Isolate"), "{error}");
        assert!(error.to_string().contains("43f4cb08"), "{error}");
        assert!(
            error.to_string().contains(
                "lacks the Machine.Isolate application permission (WindowsDefenderATP API)"
            ),
            "{error}"
        );
        assert_eq!(error.code(), Some("Forbidden"));
        let list = DefenderError::Api(api(403, "Forbidden", "", Operation::ListAlerts));
        assert!(list.to_string().contains("Alert.Read.All"));
    }

    #[test]
    fn aadsts_code_is_extracted() {
        let token = TokenError {
            error: "invalid_client".to_owned(),
            description: Some("AADSTS7000215: Invalid client secret provided.".to_owned()),
            transport: false,
            network: None,
        };
        assert_eq!(token.aadsts_code(), Some("AADSTS7000215"));
        assert!(token.to_string().contains("invalid_client"));
    }

    #[test]
    fn snippets_are_bounded() {
        assert_eq!(snippet(b""), "<empty>");
        assert_eq!(snippet(&[b'a'; 500]).chars().count(), 201);
    }
}
