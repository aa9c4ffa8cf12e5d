//! Where the engine's connections come from, shared by the app, the CLI and the daemon (it
//! lives here, not in the engine, so that the engine does not depend on the emulator).
//!
//! Each connection is taken from, in order: the environment (`FLOWGUARD_TENANT_ID`,
//! `FLOWGUARD_CLIENT_ID`, `FLOWGUARD_CLIENT_SECRET`, `FLOWGUARD_API_URL`, `FLOWGUARD_LOGIN_URL`;
//! `FLOWGUARD_SMTP_URL`, `FLOWGUARD_MAIL_FROM`), then the connections saved in the database with
//! their secrets in the secret store, and otherwise **demo mode**: the built-in Defender emulator
//! starts in-process, with its SMTP server as the mail server.

use std::sync::Arc;

use flowguard_defender::{Cloud, DefenderClient, DefenderConfig, Secret};
use flowguard_email::{SmtpMailer, SmtpSettings};
use flowguard_emulator::EmulatorHandle;
use flowguard_engine::live::LiveDefender;
use flowguard_engine::mail::MailConnections;
use flowguard_secrets::{SecretKey, SecretStore};
use flowguard_store::Store;
use flowguard_store::connections::{ConnectionConfig, GraphConnection};

/// The id of the saved Defender connection.
pub const DEFENDER_CONNECTION: &str = "defender:default";
/// The id of the saved SMTP connection.
pub const SMTP_CONNECTION: &str = "smtp:default";
/// The id of the saved Microsoft Graph mail connection.
pub const GRAPH_CONNECTION: &str = "graph:default";

/// Graph tokens from the same Entra app that talks to Defender (it needs `Mail.Send`).
struct GraphTokens(DefenderClient);

impl flowguard_email::AccessTokenSource for GraphTokens {
    fn access_token(&self) -> flowguard_email::TokenFuture<'_> {
        Box::pin(async move {
            self.0
                .token_for_scope(flowguard_email::GRAPH_SCOPE)
                .await
                .map_err(|error| error.to_string())
        })
    }
}

/// The variables the environment can set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub api_url: Option<String>,
    pub login_url: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// `FLOWGUARD_RATE_LIMITS=off` turns the client's per-tenant limiter off: for benchmarks and
    /// tests against the emulator, never against a real tenant.
    pub rate_limits_off: bool,
}

impl Environment {
    /// Reads the `FLOWGUARD_*` variables (empty means unset).
    pub fn from_process() -> Self {
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        Self {
            tenant_id: read("FLOWGUARD_TENANT_ID"),
            client_id: read("FLOWGUARD_CLIENT_ID"),
            client_secret: read("FLOWGUARD_CLIENT_SECRET"),
            api_url: read("FLOWGUARD_API_URL"),
            login_url: read("FLOWGUARD_LOGIN_URL"),
            smtp_url: read("FLOWGUARD_SMTP_URL"),
            mail_from: read("FLOWGUARD_MAIL_FROM"),
            rate_limits_off: read("FLOWGUARD_RATE_LIMITS").is_some_and(|value| value == "off"),
        }
    }
}

/// Which tenant the engine talks to.
pub enum Mode {
    Tenant {
        tenant_id: String,
        api_base: String,
        source: &'static str,
    },
    /// The built-in emulator, running in this process.
    Demo(EmulatorHandle),
}

impl Mode {
    /// One line for logs and the status bar.
    pub fn describe(&self) -> String {
        match self {
            Self::Tenant {
                tenant_id,
                api_base,
                source,
            } => {
                format!("tenant {tenant_id} at {api_base} (from {source})")
            }
            Self::Demo(handle) => format!(
                "demo mode: no tenant is configured, so Flowguard runs against its built-in Defender emulator at {} (SMTP {})",
                handle.base_url(),
                handle.smtp_addr()
            ),
        }
    }
}

/// The connections the engine runs with.
pub struct Connections {
    pub mode: Mode,
    pub defender: LiveDefender,
    pub mail: MailConnections,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Incomplete(String),
    #[error("the Defender connection is invalid: {0}")]
    Defender(#[from] flowguard_defender::DefenderError),
    #[error("the mail connection is invalid: {0}")]
    Mail(#[from] flowguard_email::EmailError),
    #[error(transparent)]
    Store(#[from] flowguard_store::StoreError),
    #[error(transparent)]
    Secrets(#[from] flowguard_secrets::SecretError),
    #[error("cannot start the built-in emulator: {0}")]
    Emulator(#[from] flowguard_emulator::EmulatorError),
}

fn default_from() -> String {
    "Flowguard <flowguard@localhost>".to_owned()
}

/// Resolves the connections (see the module documentation).
pub async fn connect(
    environment: &Environment,
    store: &Store,
    secrets: &Arc<dyn SecretStore>,
) -> Result<Connections, SetupError> {
    let saved = store.get_connection(DEFENDER_CONNECTION)?;
    let tenant: Option<(DefenderConfig, &'static str)> = if let Some(tenant_id) =
        &environment.tenant_id
    {
        let client_id = environment.client_id.clone().ok_or_else(|| {
            SetupError::Incomplete(
                "FLOWGUARD_TENANT_ID is set but FLOWGUARD_CLIENT_ID is not".into(),
            )
        })?;
        let secret = match &environment.client_secret {
            Some(secret) => secret.clone(),
            None => secrets
                .get(&SecretKey::new(DEFENDER_CONNECTION, "client_secret"))?
                .map(|secret| secret.expose().to_owned())
                .ok_or_else(|| {
                    SetupError::Incomplete(
                        "FLOWGUARD_TENANT_ID is set but there is no client secret (FLOWGUARD_CLIENT_SECRET, or Settings)".into(),
                    )
                })?,
        };
        let cloud = Cloud::Custom {
            login_base: environment
                .login_url
                .clone()
                .unwrap_or_else(|| Cloud::Global.login_base()),
            api_base: environment
                .api_url
                .clone()
                .unwrap_or_else(|| Cloud::Global.api_base()),
        };
        Some((
            DefenderConfig::new(&cloud, tenant_id.clone(), client_id, Secret::new(secret)),
            "the environment",
        ))
    } else if let Some(saved) = saved {
        let ConnectionConfig::Defender(saved) = saved.typed_config()? else {
            return Err(SetupError::Incomplete(format!(
                "the saved connection {DEFENDER_CONNECTION} is not a Defender connection"
            )));
        };
        let secret = secrets
            .get(&SecretKey::new(DEFENDER_CONNECTION, "client_secret"))?
            .ok_or_else(|| {
                SetupError::Incomplete(
                    "the saved Defender connection has no client secret in the keychain".into(),
                )
            })?;
        let cloud = Cloud::from_bases(saved.api_url.as_deref(), saved.login_url.as_deref());
        Some((
            DefenderConfig::new(
                &cloud,
                saved.tenant_id,
                saved.client_id,
                Secret::new(secret.expose()),
            ),
            "the saved settings",
        ))
    } else {
        None
    };

    let (mode, config) = match tenant {
        Some((config, source)) => (
            Mode::Tenant {
                tenant_id: config.tenant_id.clone(),
                api_base: config.api_base.clone(),
                source,
            },
            config,
        ),
        None => {
            let handle = crate::demo::start().await?;
            let config = crate::demo::defender_config(&handle);
            (Mode::Demo(handle), config)
        }
    };
    let mut config = config;
    if environment.rate_limits_off {
        tracing::warn!("FLOWGUARD_RATE_LIMITS=off: calls to Defender are not rate-limited");
        config.limits = flowguard_defender::RateLimits::unlimited();
    }
    let client = DefenderClient::new(&config)?;
    let defender = LiveDefender::new(client.clone());

    let from = environment.mail_from.clone().unwrap_or_else(default_from);
    let smtp = if let Some(url) = &environment.smtp_url {
        let (settings, password) = SmtpSettings::from_url(url, &from)?;
        Some(SmtpMailer::new(settings, password.as_ref())?)
    } else if let Some(saved) = store.get_connection(SMTP_CONNECTION)? {
        // The store saves the email crate's own settings type.
        let ConnectionConfig::Smtp(settings) = saved.typed_config()? else {
            return Err(SetupError::Incomplete(format!(
                "the saved connection {SMTP_CONNECTION} is not an SMTP connection"
            )));
        };
        let password = secrets.get(&SecretKey::new(SMTP_CONNECTION, "password"))?;
        Some(SmtpMailer::new(settings, password.as_ref())?)
    } else if let Mode::Demo(handle) = &mode {
        let url = format!("smtp://{}", handle.smtp_addr());
        let (settings, _) = SmtpSettings::from_url(&url, &from)?;
        Some(SmtpMailer::new(settings, None)?)
    } else {
        None
    };
    let graph = match store.get_connection(GRAPH_CONNECTION)? {
        Some(saved) => {
            let ConnectionConfig::Graph(GraphConnection { sender, .. }) = saved.typed_config()?
            else {
                return Err(SetupError::Incomplete(format!(
                    "the saved connection {GRAPH_CONNECTION} is not a Graph connection"
                )));
            };
            Some(flowguard_email::GraphMailer::new(
                reqwest::Client::new(),
                flowguard_email::GRAPH_BASE_URL,
                &sender,
                Arc::new(GraphTokens(client)),
            )?)
        }
        None => None,
    };
    Ok(Connections {
        mode,
        defender,
        mail: MailConnections { smtp, graph },
    })
}
