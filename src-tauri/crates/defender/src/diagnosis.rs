//! "Test connection" diagnosis: which step of a connection failed (DNS, TCP connect, TLS, the
//! token request, the API call) and what to do about it, for every host (app, CLI, daemon).
//!
//! The step of a network failure is read from the error's source chain (hyper's connector says
//! `dns error` or `tcp connect error`, rustls names the certificate problem); Entra's refusals
//! carry their AADSTS code, and the common codes get a plain hint.

use std::error::Error as StdError;
use std::fmt;

use crate::error::{ApiError, DefenderError, TokenError};

/// The step of a connection that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionStep {
    /// The host name does not resolve.
    Dns,
    /// The TCP connection failed (refused, unreachable, no answer).
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// Entra ID refused the token request (or its answer was not a token).
    Token,
    /// The Defender API refused the call.
    Api,
}

impl ConnectionStep {
    /// A short human name: "DNS", "connection", "TLS", "token request", "API call".
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Dns => "DNS",
            Self::Connect => "connection",
            Self::Tls => "TLS",
            Self::Token => "token request",
            Self::Api => "API call",
        }
    }
}

impl fmt::Display for ConnectionStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What failed, in plain words, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionFailure {
    /// The step that failed.
    pub step: ConnectionStep,
    /// The AADSTS code (`AADSTS7000215`), Entra's error, the API's code or `HTTP 403`, if any.
    pub code: Option<String>,
    /// What happened.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl fmt::Display for ConnectionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.step, self.message)?;
        if !self.hint.is_empty() {
            let stop = if self.message.ends_with('.') { "" } else { "." };
            write!(f, "{stop} {}", self.hint)?;
        }
        Ok(())
    }
}

/// A network failure classified by step, with the host and the cause's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkFailure {
    /// Dns, Connect or Tls.
    pub step: ConnectionStep,
    /// The host that was called, when known.
    pub host: Option<String>,
    /// The whole source chain, e.g. `error sending request: client error (Connect): dns error: ...`.
    pub detail: String,
}

/// Classifies a reqwest error by the step that failed.
pub(crate) fn classify(error: &reqwest::Error) -> NetworkFailure {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    let mut refused = false;
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::TimedOut
            )
        {
            refused = true;
        }
        let text = current.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = current.source();
    }
    let detail = parts.join(": ");
    let lower = detail.to_ascii_lowercase();
    let step = if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
    {
        ConnectionStep::Dns
    } else if !refused
        && (lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
            || lower.contains("unknownissuer"))
    {
        ConnectionStep::Tls
    } else {
        ConnectionStep::Connect
    };
    NetworkFailure {
        step,
        host: error
            .url()
            .and_then(|url| url.host_str())
            .map(str::to_owned),
        detail,
    }
}

fn network(failure: &NetworkFailure, what: &str) -> ConnectionFailure {
    let host = failure.host.as_deref().unwrap_or("the host");
    let detail = &failure.detail;
    let (message, hint) = match failure.step {
        ConnectionStep::Dns => (
            format!("the host name {host} ({what}) does not resolve: {detail}"),
            "Check the cloud (Global, GCC, GCC High, DoD) and, for a custom cloud, the API and login URLs; check that this computer's DNS works.".to_owned(),
        ),
        ConnectionStep::Tls => (
            format!("the TLS connection to {host} ({what}) failed: {detail}"),
            format!("A certificate problem: a proxy doing TLS inspection replaces Microsoft's certificate; exempt {host} from inspection, or check the URL points to the right host."),
        ),
        _ => (
            format!("could not connect to {host} ({what}): {detail}"),
            format!("The name resolves but nothing answers: check the firewall or proxy (HTTPS_PROXY) lets this computer reach {host} over HTTPS, and for a custom cloud the port in the URL."),
        ),
    };
    ConnectionFailure {
        step: failure.step,
        code: None,
        message,
        hint,
    }
}

/// A plain hint for the common AADSTS codes (the number after `AADSTS`).
#[must_use]
pub fn aadsts_hint(code: &str) -> Option<&'static str> {
    let number = code.trim_start_matches("AADSTS");
    Some(match number {
        "7000215" => {
            "The client secret is wrong: enter the secret's Value (not its Secret ID) from the app registration's Certificates & secrets."
        }
        "7000222" => {
            "The client secret has expired: create a new one in the app registration's Certificates & secrets and enter it here."
        }
        "700016" => {
            "No application with this client id in this tenant: check the Application (client) ID, and that the app is registered in (or consented to by) this tenant."
        }
        "90002" => {
            "The tenant does not exist: check the Directory (tenant) ID or domain, and the cloud (a GCC High or DoD tenant is not in the Global cloud)."
        }
        "900023" => {
            "The tenant id is not a valid tenant GUID or domain: copy the Directory (tenant) ID from the app registration's Overview."
        }
        "50034" => {
            "Entra does not know this account in the tenant: check the tenant id and the client id belong together."
        }
        "53003" => {
            "A Conditional Access policy blocked the sign-in: ask an Entra administrator to allow this app (workload identity) from this network."
        }
        "7000112" => {
            "The application is disabled in this tenant: ask an Entra administrator to enable it."
        }
        "65001" | "650057" => {
            "Admin consent is missing: an administrator must grant admin consent for the WindowsDefenderATP permissions in API permissions."
        }
        "500011" => {
            "The WindowsDefenderATP API is not found in this tenant: check the tenant has Defender for Endpoint and the cloud is the right one."
        }
        "70011" | "1002012" => {
            "The requested scope is not valid: the scope must end with /.default for application permissions."
        }
        "700024" | "700027" => {
            "The client assertion is not valid: use a client secret, or check the certificate."
        }
        _ => return None,
    })
}

fn token(error: &TokenError) -> ConnectionFailure {
    if let Some(failure) = &error.network {
        return network(failure, "Entra ID's token endpoint");
    }
    let code = error
        .aadsts_code()
        .map(str::to_owned)
        .or_else(|| (!error.error.is_empty()).then(|| error.error.clone()));
    let message = match &error.description {
        Some(description) => format!(
            "Entra ID refused the token request: {}: {description}",
            error.error
        ),
        None => format!("Entra ID refused the token request: {}", error.error),
    };
    let hint = error
        .aadsts_code()
        .and_then(aadsts_hint)
        .map_or_else(
            || {
                if error.transport {
                    "Check this computer can reach Entra ID's login host.".to_owned()
                } else if error.aadsts_code().is_none() {
                    "Check the login URL points to Entra ID's token endpoint (the cloud, or the custom login URL).".to_owned()
                } else {
                    "Look the AADSTS code up in Microsoft's Entra error reference; check the tenant id, client id and secret.".to_owned()
                }
            },
            str::to_owned,
        );
    ConnectionFailure {
        step: ConnectionStep::Token,
        code,
        message,
        hint,
    }
}

fn api(error: &ApiError) -> ConnectionFailure {
    let permission = error.operation.permission();
    let hint = match error.status {
        401 => format!(
            "The API refused the token: check the app has the WindowsDefenderATP application permission {permission} with admin consent granted, and the cloud matches the tenant's."
        ),
        403 => format!(
            "The app registration lacks the {permission} application permission (WindowsDefenderATP API): add it under API permissions and grant admin consent."
        ),
        429 => "The API is throttling this tenant: try again in a minute.".to_owned(),
        500..=599 => "The Defender API had a problem: try again later.".to_owned(),
        _ => "Check the API URL (the cloud, or the custom API URL).".to_owned(),
    };
    let code = if error.code.is_empty() {
        format!("HTTP {}", error.status)
    } else {
        format!("HTTP {} {}", error.status, error.code)
    };
    ConnectionFailure {
        step: ConnectionStep::Api,
        code: Some(code),
        message: error.to_string(),
        hint,
    }
}

impl DefenderError {
    /// Which step failed and what to do (what "Test connection" shows).
    #[must_use]
    pub fn connection_failure(&self) -> ConnectionFailure {
        match self {
            Self::Token(error) => token(error),
            Self::Api(error) => api(error),
            Self::Connection { source, .. } => network(&classify(source), "the Defender API"),
            Self::Timeout { .. } => ConnectionFailure {
                step: ConnectionStep::Connect,
                code: None,
                message: self.to_string(),
                hint:
                    "The host did not answer in time: check the proxy or firewall, then try again."
                        .to_owned(),
            },
            Self::Config(_) | Self::Decode { .. } | Self::ForeignNextLink { .. } => {
                ConnectionFailure {
                    step: ConnectionStep::Api,
                    code: None,
                    message: self.to_string(),
                    hint: "Check the API URL (the cloud, or the custom API URL).".to_owned(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Operation;

    fn refused(description: &str) -> DefenderError {
        DefenderError::Token(TokenError {
            error: "invalid_client".to_owned(),
            description: Some(description.to_owned()),
            transport: false,
            network: None,
        })
    }

    #[test]
    fn common_aadsts_codes_get_a_hint() {
        for (code, words) in [
            ("AADSTS7000215", "secret's Value"),
            ("AADSTS7000222", "expired"),
            ("AADSTS700016", "client id"),
            ("AADSTS90002", "tenant does not exist"),
            ("AADSTS900023", "tenant GUID"),
            ("AADSTS50034", "tenant id"),
            ("AADSTS53003", "Conditional Access"),
        ] {
            let failure = refused(&format!("{code}: something. Trace ID: 1")).connection_failure();
            assert_eq!(failure.step, ConnectionStep::Token);
            assert_eq!(failure.code.as_deref(), Some(code));
            assert!(failure.hint.contains(words), "{code}: {}", failure.hint);
        }
        let unknown = refused("AADSTS1234567: new.").connection_failure();
        assert!(
            unknown.hint.contains("Entra error reference"),
            "{}",
            unknown.hint
        );
    }

    #[test]
    fn forbidden_names_the_permission_and_admin_consent() {
        let failure = DefenderError::Api(ApiError {
            operation: Operation::ListMachines,
            status: 403,
            code: "Forbidden".to_owned(),
            message: "denied".to_owned(),
            request_id: None,
            retry_after: None,
        })
        .connection_failure();
        assert_eq!(failure.step, ConnectionStep::Api);
        assert_eq!(failure.code.as_deref(), Some("HTTP 403 Forbidden"));
        assert!(
            failure.hint.contains("Machine.Read.All"),
            "{}",
            failure.hint
        );
        assert!(failure.hint.contains("admin consent"), "{}", failure.hint);
    }
}
