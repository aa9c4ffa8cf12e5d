//! Settings: the Defender connection, the mail connections and the tray, for every host.
//!
//! What is not secret goes to the database as a typed connection (which refuses secret-looking
//! fields); secrets go to the secret store (the OS keychain, or a user-only file where there is
//! none) and never come back: a host only learns whether one is stored. Saving or removing a
//! connection changes what the engine should run with; the host restarts it.
//!
//! The vocabulary is defined once, by the crates that use it: cloud names by
//! `flowguard_defender::Cloud` (`flowguard_defender::CLOUD_NAMES`), SMTP security and settings by
//! `flowguard_email` (which is also what the store saves).

use flowguard_defender::{Cloud, DefenderClient, DefenderConfig, Secret};
use flowguard_email::{SmtpSecurity, SmtpSettings};
use flowguard_engine::connectors::Mailer;
use flowguard_ipc::{
    CheckResult, CommandError, ConnectionFailure, ConnectionStep, DefenderSettings,
    DefenderSettingsInput, MailSettings, SettingsView, SmtpSettingsInput, SmtpSettingsView,
};
use flowguard_secrets::{SecretKey, SecretStore};
use flowguard_store::Store;
use flowguard_store::connections::{
    Connection, ConnectionConfig, DefenderConnection, GraphConnection,
};

use crate::setup::{DEFENDER_CONNECTION, GRAPH_CONNECTION, SMTP_CONNECTION};
use crate::validate;

/// The setting that keeps the engine running in the tray when the window closes.
pub const CLOSE_TO_TRAY_SETTING: &str = "ui.closeToTray";

/// The FLOWGUARD_* variables that override saved settings (Settings lists those that are set).
pub const ENVIRONMENT_OVERRIDES: [&str; 10] = [
    "FLOWGUARD_TENANT_ID",
    "FLOWGUARD_CLIENT_ID",
    "FLOWGUARD_CLIENT_SECRET",
    "FLOWGUARD_API_URL",
    "FLOWGUARD_LOGIN_URL",
    "FLOWGUARD_SMTP_URL",
    "FLOWGUARD_MAIL_FROM",
    "FLOWGUARD_POLL_INTERVAL",
    "FLOWGUARD_RATE_LIMITS",
    "FLOWGUARD_SECRETS",
];

fn client_secret_key() -> SecretKey {
    SecretKey::new(DEFENDER_CONNECTION, "client_secret")
}

fn smtp_password_key() -> SecretKey {
    SecretKey::new(SMTP_CONNECTION, "password")
}

/// Tenant and client ids: GUIDs or (for the tenant) a domain such as `contoso.onmicrosoft.com`.
fn tenant_or_client_id(what: &str, value: &str) -> Result<String, CommandError> {
    let value = validate::text(what, value, 128)?;
    if value.is_empty() {
        return Err(CommandError::invalid(format!("the {what} is empty")));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.')))
    {
        return Err(CommandError::invalid(format!(
            "the {what} {value:?} contains {bad:?}"
        )));
    }
    Ok(value)
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|s| !s.is_empty())
}

/// The Defender client an input describes (with its secret, or the stored one), and the
/// connection to save.
pub fn defender_config(
    secrets: &dyn SecretStore,
    input: &DefenderSettingsInput,
) -> Result<(DefenderConfig, DefenderConnection), CommandError> {
    let tenant_id = tenant_or_client_id("tenant id", &input.tenant_id)?;
    let client_id = tenant_or_client_id("client id", &input.client_id)?;
    let api_url = input
        .api_url
        .as_deref()
        .map(|u| validate::text("API URL", u, 300))
        .transpose()?;
    let login_url = input
        .login_url
        .as_deref()
        .map(|u| validate::text("login URL", u, 300))
        .transpose()?;
    let cloud = Cloud::named(&input.cloud, api_url.as_deref(), login_url.as_deref())
        .map_err(|error| CommandError::invalid(error.to_string()))?;
    let secret = match non_empty(input.client_secret.as_ref()) {
        Some(secret) => {
            if secret.len() > 1024 || secret.chars().any(char::is_control) {
                return Err(CommandError::invalid(
                    "the client secret is not a valid secret",
                ));
            }
            Secret::new(secret)
        }
        None => secrets
            .get(&client_secret_key())?
            .ok_or_else(|| CommandError::invalid("enter the client secret (none is stored yet)"))?,
    };
    let config = DefenderConfig::new(&cloud, tenant_id.clone(), client_id.clone(), secret);
    config
        .validate()
        .map_err(|error| CommandError::invalid(error.to_string()))?;
    let (api_url, login_url) = cloud.saved_bases();
    Ok((
        config,
        DefenderConnection {
            tenant_id,
            client_id,
            api_url,
            login_url,
        },
    ))
}

/// Everything Settings shows (never a secret).
pub fn view(store: &Store, secrets: &dyn SecretStore) -> Result<SettingsView, CommandError> {
    let has = |key: &SecretKey| secrets.get(key).map(|s| s.is_some()).unwrap_or(false);
    let typed = |id: &str| -> Result<Option<ConnectionConfig>, CommandError> {
        Ok(store
            .get_connection(id)?
            .map(|connection| connection.typed_config())
            .transpose()?)
    };
    let defender = match typed(DEFENDER_CONNECTION)? {
        Some(ConnectionConfig::Defender(config)) => Some(DefenderSettings {
            cloud: Cloud::from_bases(config.api_url.as_deref(), config.login_url.as_deref())
                .name()
                .to_owned(),
            tenant_id: config.tenant_id,
            client_id: config.client_id,
            api_url: config.api_url,
            login_url: config.login_url,
            has_secret: has(&client_secret_key()),
        }),
        _ => None,
    };
    let smtp = match typed(SMTP_CONNECTION)? {
        Some(ConnectionConfig::Smtp(config)) => Some(SmtpSettingsView {
            host: config.host,
            port: config.port,
            security: config.security.name().to_owned(),
            username: config.username,
            from: config.from,
            has_password: has(&smtp_password_key()),
        }),
        _ => None,
    };
    let graph_sender = match typed(GRAPH_CONNECTION)? {
        Some(ConnectionConfig::Graph(config)) => Some(config.sender),
        _ => None,
    };
    let close_to_tray = store
        .get_setting(CLOSE_TO_TRAY_SETTING)?
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    let environment_overrides = ENVIRONMENT_OVERRIDES
        .into_iter()
        .filter(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
        .map(str::to_owned)
        .collect();
    Ok(SettingsView {
        defender,
        mail: MailSettings { smtp, graph_sender },
        close_to_tray,
        environment_overrides,
        secret_store: secrets.describe(),
    })
}

/// Saves the Defender connection (the secret to the secret store). The host restarts the
/// engine with it.
pub fn save_defender(
    store: &Store,
    secrets: &dyn SecretStore,
    input: &DefenderSettingsInput,
) -> Result<(), CommandError> {
    let (_, connection) = defender_config(secrets, input)?;
    if let Some(secret) = non_empty(input.client_secret.as_ref()) {
        secrets.set(&client_secret_key(), &Secret::new(secret))?;
    }
    store.save_connection(&Connection::new(
        DEFENDER_CONNECTION,
        "Defender for Endpoint",
        &ConnectionConfig::Defender(connection),
    ))?;
    tracing::info!("saved the Defender connection");
    Ok(())
}

/// "Test connection": gets a token and lists one machine, without saving anything.
pub async fn test_defender(
    secrets: &dyn SecretStore,
    input: &DefenderSettingsInput,
) -> Result<CheckResult, CommandError> {
    let (config, _) = defender_config(secrets, input)?;
    let client =
        DefenderClient::new(&config).map_err(|error| CommandError::invalid(error.to_string()))?;
    Ok(match client.test_connection().await {
        Ok(report) => CheckResult {
            ok: true,
            message: format!(
                "Connected: Entra issued a token and the API answered ({} machine(s) listed with $top=1).",
                report.machines_seen
            ),
            failure: None,
        },
        Err(error) => {
            let failure = error.connection_failure();
            tracing::info!(step = %failure.step, code = ?failure.code, "Test connection failed");
            CheckResult {
                ok: false,
                message: failure.to_string(),
                failure: Some(connection_failure_view(failure)),
            }
        }
    })
}

/// The IPC shape of a failed step.
pub fn connection_failure_view(
    failure: flowguard_defender::ConnectionFailure,
) -> ConnectionFailure {
    use flowguard_defender::ConnectionStep as Step;
    ConnectionFailure {
        step: match failure.step {
            Step::Dns => ConnectionStep::Dns,
            Step::Connect => ConnectionStep::Connect,
            Step::Tls => ConnectionStep::Tls,
            Step::Token => ConnectionStep::Token,
            Step::Api => ConnectionStep::Api,
        },
        code: failure.code,
        message: failure.message,
        hint: failure.hint,
    }
}

/// Forgets the Defender connection (and Graph, which sends with its app registration) and its
/// secret: the engine goes back to demo mode.
pub fn clear_defender(store: &Store, secrets: &dyn SecretStore) -> Result<(), CommandError> {
    store.delete_connection(DEFENDER_CONNECTION)?;
    store.delete_connection(GRAPH_CONNECTION)?;
    secrets.delete(&client_secret_key())?;
    tracing::info!("removed the Defender connection");
    Ok(())
}

/// Saves the SMTP server (the password to the secret store), or removes it when `input` is None.
pub fn save_smtp(
    store: &Store,
    secrets: &dyn SecretStore,
    input: Option<&SmtpSettingsInput>,
) -> Result<(), CommandError> {
    let Some(input) = input else {
        store.delete_connection(SMTP_CONNECTION)?;
        secrets.delete(&smtp_password_key())?;
        return Ok(());
    };
    let settings = SmtpSettings {
        host: validate::text("SMTP host", &input.host, 253)?,
        port: input.port,
        security: SmtpSecurity::named(&input.security)
            .map_err(|error| CommandError::invalid(error.to_string()))?,
        username: input
            .username
            .as_deref()
            .map(|u| validate::text("SMTP user", u, 256))
            .transpose()?
            .filter(|u| !u.is_empty()),
        from: validate::text("sender", &input.from, 320)?,
        timeout_seconds: 30,
    };
    if settings.host.is_empty() {
        return Err(CommandError::invalid("the SMTP host is empty"));
    }
    if settings.port == 0 {
        return Err(CommandError::invalid("the SMTP port is 0"));
    }
    let password = non_empty(input.password.as_ref()).map(Secret::new);
    let stored_password = match &password {
        Some(_) => None,
        None => secrets.get(&smtp_password_key())?,
    };
    // The email crate checks the rest (the sender's address, plain text only on loopback).
    flowguard_email::SmtpMailer::new(
        settings.clone(),
        password.as_ref().or(stored_password.as_ref()),
    )
    .map_err(|error| CommandError::invalid(error.to_string()))?;
    if let Some(password) = &password {
        secrets.set(&smtp_password_key(), password)?;
    }
    store.save_connection(&Connection::new(
        SMTP_CONNECTION,
        "SMTP",
        &ConnectionConfig::Smtp(settings),
    ))?;
    Ok(())
}

/// Sets up Microsoft Graph sendMail from `sender` with the Defender app registration (which
/// needs the Mail.Send application permission), or removes it when `sender` is None.
pub fn save_graph(store: &Store, sender: Option<&str>) -> Result<(), CommandError> {
    let Some(sender) = sender else {
        store.delete_connection(GRAPH_CONNECTION)?;
        return Ok(());
    };
    let sender = validate::text("sender mailbox", sender, 320)?;
    if !sender.contains('@') {
        return Err(CommandError::invalid(format!(
            "the sender {sender:?} is not a mailbox address"
        )));
    }
    let Some(ConnectionConfig::Defender(defender)) = store
        .get_connection(DEFENDER_CONNECTION)?
        .map(|c| c.typed_config())
        .transpose()?
    else {
        return Err(CommandError::invalid(
            "Microsoft Graph sends with the Defender app registration: connect a tenant first",
        ));
    };
    store.save_connection(&Connection::new(
        GRAPH_CONNECTION,
        "Microsoft Graph",
        &ConnectionConfig::Graph(GraphConnection {
            tenant_id: defender.tenant_id,
            client_id: defender.client_id,
            sender,
        }),
    ))?;
    Ok(())
}

/// Checks a test email's recipient and connection (`smtp` or `graph`) and builds the email.
pub fn test_email(
    to: &str,
    connection: &str,
) -> Result<flowguard_email::OutgoingEmail, CommandError> {
    let to = validate::text("recipient", to, 320)?;
    if !to.contains('@') {
        return Err(CommandError::invalid(format!(
            "{to:?} is not an email address"
        )));
    }
    if connection != "smtp" && connection != "graph" {
        return Err(CommandError::invalid("the connection is smtp or graph"));
    }
    Ok(flowguard_email::OutgoingEmail {
        to: vec![to],
        cc: Vec::new(),
        subject: "Flowguard test email".to_owned(),
        body: "This is a test email from Flowguard: the mail connection works.".to_owned(),
        format: flowguard_email::BodyFormat::Text,
    })
}

/// Sends a short test email through `mail` (the running engine's mail connections).
pub async fn send_test_email(
    mail: &dyn Mailer,
    to: &str,
    connection: &str,
) -> Result<CheckResult, CommandError> {
    let email = test_email(to, connection)?;
    let to = email.to.join(", ");
    Ok(match mail.send(connection, &email).await {
        Ok(sent) => CheckResult {
            ok: true,
            message: match sent["messageId"].as_str().filter(|id| !id.is_empty()) {
                Some(id) => format!("Test email sent to {to} (message id {id})"),
                None => format!("Test email sent to {to}"),
            },
            failure: None,
        },
        Err(error) => CheckResult {
            ok: false,
            message: error.to_string(),
            failure: None,
        },
    })
}

/// Whether closing the window keeps the engine running in the tray.
pub fn set_close_to_tray(store: &Store, enabled: bool) -> Result<(), CommandError> {
    Ok(store.set_setting(CLOSE_TO_TRAY_SETTING, &serde_json::Value::Bool(enabled))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowguard_defender::CLOUD_NAMES;
    use flowguard_ipc::CommandErrorKind;

    fn memory() -> std::sync::Arc<dyn SecretStore> {
        std::sync::Arc::new(flowguard_secrets::MemorySecretStore::default())
    }

    fn input(cloud: &str) -> DefenderSettingsInput {
        DefenderSettingsInput {
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "8f2e9c4a-3b1d-4c5e-9f7a-1b2c3d4e5f60".into(),
            cloud: cloud.into(),
            api_url: None,
            login_url: None,
            client_secret: Some("s3cret-value".into()),
        }
    }

    #[test]
    fn ids_refuse_what_cannot_be_a_tenant() {
        assert!(tenant_or_client_id("tenant id", "contoso.onmicrosoft.com").is_ok());
        assert!(tenant_or_client_id("tenant id", "8f2e9c4a-3b1d-4c5e-9f7a-1b2c3d4e5f60").is_ok());
        assert!(tenant_or_client_id("tenant id", "").is_err());
        assert!(tenant_or_client_id("tenant id", "a/b").is_err());
    }

    #[test]
    fn a_saved_connection_reads_back_with_its_cloud_and_without_its_secret() {
        let store = Store::open_in_memory().unwrap();
        let secrets = memory();
        for cloud in CLOUD_NAMES
            .iter()
            .copied()
            .filter(|c| *c != "custom" && *c != "dod")
        {
            save_defender(&store, secrets.as_ref(), &input(cloud)).unwrap();
            let shown = view(&store, secrets.as_ref()).unwrap().defender.unwrap();
            assert_eq!(shown.cloud, cloud);
            assert!(shown.has_secret);
        }
        let json = serde_json::to_string(&view(&store, secrets.as_ref()).unwrap()).unwrap();
        assert!(!json.contains("s3cret-value"), "{json}");
        let error = save_defender(&store, secrets.as_ref(), &input("mars")).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(error.message.contains("mars"), "{}", error.message);
        clear_defender(&store, secrets.as_ref()).unwrap();
        assert!(view(&store, secrets.as_ref()).unwrap().defender.is_none());
    }

    // The SMTP sender's pool needs a runtime, as in every host.
    #[tokio::test]
    async fn smtp_settings_are_saved_as_the_email_crate_reads_them() {
        let store = Store::open_in_memory().unwrap();
        let secrets = memory();
        let mut smtp = SmtpSettingsInput {
            host: "127.0.0.1".into(),
            port: 2525,
            security: "none".into(),
            username: None,
            from: "Flowguard <flowguard@localhost>".into(),
            password: None,
        };
        save_smtp(&store, secrets.as_ref(), Some(&smtp)).unwrap();
        let saved = store.get_connection(SMTP_CONNECTION).unwrap().unwrap();
        let settings: SmtpSettings = serde_json::from_value(saved.config).unwrap();
        assert_eq!(settings.security, SmtpSecurity::None);
        assert_eq!(settings.port, 2525);
        let shown = view(&store, secrets.as_ref()).unwrap().mail.smtp.unwrap();
        assert_eq!(shown.security, "none");
        smtp.security = "ssl".into();
        let error = save_smtp(&store, secrets.as_ref(), Some(&smtp)).unwrap_err();
        assert!(
            error.message.contains("none, start_tls, tls"),
            "{}",
            error.message
        );
        save_smtp(&store, secrets.as_ref(), None).unwrap();
        assert!(view(&store, secrets.as_ref()).unwrap().mail.smtp.is_none());
    }

    #[tokio::test]
    async fn test_connection_names_the_failed_step_and_what_to_do() {
        let emulator =
            flowguard_emulator::Emulator::start(flowguard_emulator::EmulatorConfig::default())
                .await
                .unwrap();
        let secrets = memory();
        let mut input = DefenderSettingsInput {
            tenant_id: emulator.tenant_id().to_owned(),
            client_id: emulator.client_id().to_owned(),
            cloud: "custom".into(),
            api_url: Some(emulator.base_url()),
            login_url: Some(emulator.base_url()),
            client_secret: Some(emulator.client_secret().to_owned()),
        };
        let ok = test_defender(secrets.as_ref(), &input).await.unwrap();
        assert!(ok.ok, "{}", ok.message);
        assert_eq!(ok.failure, None);

        input.client_secret = Some("not-the-secret".into());
        let wrong = test_defender(secrets.as_ref(), &input).await.unwrap();
        assert!(!wrong.ok);
        let failure = wrong.failure.expect("a failed step");
        assert_eq!(failure.step, ConnectionStep::Token);
        assert_eq!(failure.code.as_deref(), Some("AADSTS7000215"));
        assert!(
            failure.hint.contains("client secret is wrong"),
            "{}",
            failure.hint
        );
        assert!(
            wrong.message.starts_with("token request failed"),
            "{}",
            wrong.message
        );
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["step"], "token");

        input.api_url = Some("https://nohost.invalid".into());
        input.login_url = Some("https://nohost.invalid".into());
        let dns = test_defender(secrets.as_ref(), &input).await.unwrap();
        assert_eq!(
            dns.failure.map(|f| f.step),
            Some(ConnectionStep::Dns),
            "{}",
            dns.message
        );
    }

    #[test]
    fn graph_needs_a_tenant_and_a_mailbox() {
        let store = Store::open_in_memory().unwrap();
        let error = save_graph(&store, Some("soc@contoso.com")).unwrap_err();
        assert!(
            error.message.contains("connect a tenant first"),
            "{}",
            error.message
        );
        assert!(save_graph(&store, Some("not-a-mailbox")).is_err());
        assert!(test_email("nobody", "smtp").is_err());
        assert!(test_email("soc@contoso.com", "fax").is_err());
        assert_eq!(
            test_email("soc@contoso.com", "smtp").unwrap().to,
            ["soc@contoso.com"]
        );
    }
}
