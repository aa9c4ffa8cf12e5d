//! SMTP through lettre: plain on loopback, STARTTLS or implicit TLS elsewhere.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use flowguard_secrets::Secret;

use crate::{BodyFormat, EmailError, OutgoingEmail, SentEmail};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// No TLS. Only allowed on loopback (the emulator's SMTP server, a local relay).
    None,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpSecurity {
    /// The names a saved connection and the Settings form use.
    pub const NAMES: [&'static str; 3] = ["none", "start_tls", "tls"];

    /// The name in [`Self::NAMES`] (the serialized form).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::StartTls => "start_tls",
            Self::Tls => "tls",
        }
    }

    /// The security called `name`, or an error naming the choices.
    pub fn named(name: &str) -> Result<Self, EmailError> {
        match name {
            "none" => Ok(Self::None),
            "start_tls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            other => Err(EmailError::Settings(format!(
                "the security {other:?} is not one of none, start_tls, tls"
            ))),
        }
    }
}

/// Where and how to send. The password is not here: it lives in the secret store. This is also
/// the saved SMTP connection's config (`flowguard_store::connections`), which is why unknown
/// fields are refused: nothing else (a secret) can be stored in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// The user to authenticate as; no authentication when absent.
    #[serde(default)]
    pub username: Option<String>,
    /// The sender address, e.g. `Flowguard <flowguard@contoso.com>`.
    pub from: String,
    /// How long one SMTP conversation may take, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_timeout_seconds() -> u64 {
    30
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl SmtpSettings {
    /// Reads `smtp://user:pass@host:port` (STARTTLS required, or plain on loopback) and
    /// `smtps://user:pass@host:port` (implicit TLS), as in `FLOWGUARD_SMTP_URL`. `?tls=none`
    /// forces plain (loopback only) and `?tls=starttls` forces STARTTLS. Returns the settings and
    /// the password, which the caller keeps in the secret store.
    pub fn from_url(text: &str, from: &str) -> Result<(Self, Option<Secret>), EmailError> {
        let url = url::Url::parse(text).map_err(|error| {
            EmailError::Settings(format!(
                "the SMTP URL is not a URL ({error}); expected smtp://user:pass@host:port"
            ))
        })?;
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| EmailError::Settings("the SMTP URL has no host".to_owned()))?
            .to_owned();
        let tls_query = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (security, default_port) = match (url.scheme(), tls_query.as_deref()) {
            ("smtps", _) => (SmtpSecurity::Tls, 465),
            ("smtp", Some("none")) => (SmtpSecurity::None, 25),
            ("smtp", Some("starttls")) => (SmtpSecurity::StartTls, 587),
            ("smtp", None) if is_loopback(&host) => (SmtpSecurity::None, 25),
            ("smtp", None) => (SmtpSecurity::StartTls, 587),
            ("smtp", Some(other)) => {
                return Err(EmailError::Settings(format!(
                    "unknown tls={other} in the SMTP URL (none or starttls)"
                )));
            }
            (scheme, _) => {
                return Err(EmailError::Settings(format!(
                    "the SMTP URL scheme {scheme}:// is neither smtp:// nor smtps://"
                )));
            }
        };
        let decode = |value: &str| {
            url::form_urlencoded::parse(format!("v={value}").as_bytes())
                .next()
                .map(|(_, decoded)| decoded.into_owned())
                .unwrap_or_default()
        };
        let username = Some(decode(url.username())).filter(|user| !user.is_empty());
        let password = url.password().map(|password| Secret::new(decode(password)));
        let settings = Self {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            username,
            from: from.to_owned(),
            timeout_seconds: default_timeout_seconds(),
        };
        settings.check()?;
        Ok((settings, password))
    }

    /// Refuses settings that would send mail or a password in clear text over a network.
    pub fn check(&self) -> Result<(), EmailError> {
        if self.security == SmtpSecurity::None && !is_loopback(&self.host) {
            return Err(EmailError::Settings(format!(
                "SMTP without TLS is only allowed on loopback, not to {}; use STARTTLS or TLS",
                self.host
            )));
        }
        self.from
            .parse::<Mailbox>()
            .map_err(|error| EmailError::InvalidAddress {
                address: self.from.clone(),
                reason: error.to_string(),
            })?;
        Ok(())
    }

    fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// Sends through one SMTP server, reusing connections.
#[derive(Clone)]
pub struct SmtpMailer {
    settings: SmtpSettings,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(settings: SmtpSettings, password: Option<&Secret>) -> Result<Self, EmailError> {
        settings.check()?;
        let tls_error = |error: lettre::transport::smtp::Error| EmailError::Tls {
            server: settings.server(),
            message: error.to_string(),
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
                .port(settings.port)
                .timeout(Some(Duration::from_secs(settings.timeout_seconds)));
        builder = match settings.security {
            SmtpSecurity::None => builder.tls(Tls::None),
            SmtpSecurity::StartTls => builder.tls(Tls::Required(
                TlsParameters::new(settings.host.clone()).map_err(tls_error)?,
            )),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(
                TlsParameters::new(settings.host.clone()).map_err(tls_error)?,
            )),
        };
        if let Some(username) = &settings.username {
            let password = password
                .map(|secret| secret.expose().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            settings,
        })
    }

    pub fn settings(&self) -> &SmtpSettings {
        &self.settings
    }

    /// Builds the MIME message (checking every address first).
    pub fn build_message(&self, email: &OutgoingEmail) -> Result<Message, EmailError> {
        if email.to.is_empty() {
            return Err(EmailError::NoRecipient);
        }
        // `Name <address>` and a bare address are both accepted.
        let parse = |address: &String| -> Result<Mailbox, EmailError> {
            address
                .trim()
                .parse::<Mailbox>()
                .map_err(|error| EmailError::InvalidAddress {
                    address: address.clone(),
                    reason: error.to_string(),
                })
        };
        let from = parse(&self.settings.from)?;
        let mut builder = Message::builder().from(from).subject(email.subject.clone());
        for address in &email.to {
            builder = builder.to(parse(address)?);
        }
        for address in &email.cc {
            builder = builder.cc(parse(address)?);
        }
        let content_type = match email.format {
            BodyFormat::Text => ContentType::TEXT_PLAIN,
            BodyFormat::Html => ContentType::TEXT_HTML,
        };
        builder
            .header(content_type)
            .body(email.body.clone())
            .map_err(|error| EmailError::Settings(format!("cannot build the message: {error}")))
    }

    /// Sends one email.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<SentEmail, EmailError> {
        let message = self.build_message(email)?;
        let message_id = message
            .headers()
            .get_raw("Message-ID")
            .map(str::to_owned)
            .unwrap_or_default();
        let server = self.settings.server();
        let response = self
            .transport
            .send(message)
            .await
            .map_err(|error| classify(&server, &error))?;
        let reply = format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        );
        tracing::info!(%server, recipients = email.to.len() + email.cc.len(), "email sent over SMTP");
        Ok(SentEmail {
            message_id,
            recipients: email.to.iter().chain(&email.cc).cloned().collect(),
            transport: "smtp".to_owned(),
            server_reply: reply,
        })
    }
}

fn classify(server: &str, error: &lettre::transport::smtp::Error) -> EmailError {
    let server = server.to_owned();
    let code = error
        .status()
        .map(|code| code.to_string())
        .unwrap_or_default();
    let message = error.to_string();
    if error.is_timeout() {
        EmailError::Timeout { server }
    } else if error.is_transient() {
        EmailError::TemporaryRejection {
            server,
            code,
            message,
        }
    } else if error.is_permanent() {
        EmailError::Rejected {
            server,
            code,
            message,
        }
    } else if error.is_tls() {
        EmailError::Tls { server, message }
    } else {
        EmailError::Connection { server, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_settings_and_a_password() {
        let (settings, password) = SmtpSettings::from_url(
            "smtp://soc%40contoso.com:p%40ss@127.0.0.1:2525",
            "flowguard@contoso.com",
        )
        .unwrap();
        assert_eq!(settings.host, "127.0.0.1");
        assert_eq!(settings.port, 2525);
        assert_eq!(settings.security, SmtpSecurity::None);
        assert_eq!(settings.username.as_deref(), Some("soc@contoso.com"));
        assert_eq!(password.unwrap().expose(), "p@ss");

        let (remote, _) =
            SmtpSettings::from_url("smtp://mail.contoso.com", "a@contoso.com").unwrap();
        assert_eq!(
            (remote.security, remote.port),
            (SmtpSecurity::StartTls, 587)
        );
        let (wrapped, _) =
            SmtpSettings::from_url("smtps://mail.contoso.com", "a@contoso.com").unwrap();
        assert_eq!((wrapped.security, wrapped.port), (SmtpSecurity::Tls, 465));
    }

    #[test]
    fn clear_text_to_a_remote_server_is_refused() {
        let error = SmtpSettings::from_url("smtp://mail.contoso.com?tls=none", "a@contoso.com")
            .unwrap_err();
        assert!(
            error.to_string().contains("only allowed on loopback"),
            "{error}"
        );
        let error = SmtpSettings::from_url("http://mail.contoso.com", "a@contoso.com").unwrap_err();
        assert!(
            error.to_string().contains("neither smtp:// nor smtps://"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_sender_with_a_display_name_is_fine() {
        let (settings, _) =
            SmtpSettings::from_url("smtp://127.0.0.1:25", "Flowguard <flowguard@contoso.com>")
                .unwrap();
        let mailer = SmtpMailer::new(settings, None).unwrap();
        let email = OutgoingEmail {
            to: vec!["soc@contoso.com".into()],
            cc: vec![],
            subject: "s".into(),
            body: "b".into(),
            format: BodyFormat::Text,
        };
        let message = mailer.build_message(&email).unwrap();
        let from = message.headers().get_raw("From").unwrap().to_owned();
        assert!(from.contains("flowguard@contoso.com"), "{from}");
    }

    #[tokio::test]
    async fn a_bad_recipient_is_named() {
        let (settings, _) =
            SmtpSettings::from_url("smtp://127.0.0.1:25", "flowguard@contoso.com").unwrap();
        let mailer = SmtpMailer::new(settings, None).unwrap();
        let email = OutgoingEmail {
            to: vec!["soc@contoso.com".into(), "not an address".into()],
            cc: vec![],
            subject: "s".into(),
            body: "b".into(),
            format: BodyFormat::Text,
        };
        let error = mailer.build_message(&email).unwrap_err();
        assert!(error.to_string().contains("\"not an address\""), "{error}");
    }
}
