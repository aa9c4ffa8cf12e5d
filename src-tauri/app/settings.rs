//! Settings: the Defender connection, the mail connections and the tray.
//!
//! What is not secret goes to the database as a typed connection (which refuses secret-looking
//! fields); secrets go to the secret store (the OS keychain, or a user-only file where there is
//! none) and never come back to the UI: it only learns whether one is stored. Saving a
//! connection restarts the engine with it.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use std::sync::Arc;

use serde_json::Value;

use flowguard_commands::setup::{DEFENDER_CONNECTION, GRAPH_CONNECTION, SMTP_CONNECTION};
use flowguard_defender::{Cloud, DefenderClient, DefenderConfig, Region, Secret};
use flowguard_engine::connectors::Mailer;
use flowguard_ipc::{
    CheckResult, CommandError, CommandErrorKind, DefenderSettings, DefenderSettingsInput,
    MailSettings, SettingsView, SmtpSettingsInput, SmtpSettingsView,
};
use flowguard_secrets::{SecretKey, SecretStore};
use flowguard_store::connections::{
    Connection, ConnectionConfig, DefenderConnection, GraphConnection, SmtpConnection, SmtpSecurity,
};

use crate::state::AppState;
use crate::validate;

/// The setting that keeps the engine running in the tray when the window closes.
pub const CLOSE_TO_TRAY_SETTING: &str = "ui.closeToTray";

const CLOUDS: [&str; 8] = [
    "global", "us", "eu", "uk", "gcc", "gcc_high", "dod", "custom",
];

fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::new(CommandErrorKind::InvalidInput, message)
}

fn internal(message: impl std::fmt::Display) -> CommandError {
    CommandError::new(CommandErrorKind::Internal, message.to_string())
}

fn client_secret_key() -> SecretKey {
    SecretKey::new(DEFENDER_CONNECTION, "client_secret")
}

fn smtp_password_key() -> SecretKey {
    SecretKey::new(SMTP_CONNECTION, "password")
}

fn secrets(state: &AppState) -> Arc<dyn SecretStore> {
    state.engine.secrets(&state.data_directory)
}

fn cloud_for(
    name: &str,
    api_url: Option<&str>,
    login_url: Option<&str>,
) -> Result<Cloud, CommandError> {
    Ok(match name {
        "global" => Cloud::Global,
        "us" => Cloud::Regional(Region::Us),
        "eu" => Cloud::Regional(Region::Eu),
        "uk" => Cloud::Regional(Region::Uk),
        "gcc" => Cloud::Gcc,
        "gcc_high" => Cloud::GccHigh,
        "dod" => Cloud::Dod,
        "custom" => {
            let api = api_url
                .filter(|u| !u.is_empty())
                .ok_or_else(|| invalid("a custom cloud needs the API URL"))?;
            let login = login_url
                .filter(|u| !u.is_empty())
                .ok_or_else(|| invalid("a custom cloud needs the login URL"))?;
            Cloud::Custom {
                login_base: login.trim_end_matches('/').to_owned(),
                api_base: api.trim_end_matches('/').to_owned(),
            }
        }
        other => {
            return Err(invalid(format!(
                "the cloud {other:?} is not one of {}",
                CLOUDS.join(", ")
            )));
        }
    })
}

/// The cloud's name for a saved pair of bases (custom when it is not a known one).
fn cloud_name(api_url: Option<&str>, login_url: Option<&str>) -> &'static str {
    let Some(api) = api_url else {
        return "global";
    };
    for name in CLOUDS.iter().copied().filter(|name| *name != "custom") {
        if let Ok(cloud) = cloud_for(name, None, None)
            && cloud.api_base() == api
            && login_url.is_none_or(|login| login == cloud.login_base())
        {
            return name;
        }
    }
    "custom"
}

/// Tenant and client ids: GUIDs or (for the tenant) a domain such as `contoso.onmicrosoft.com`.
fn tenant_or_client_id(what: &str, value: &str) -> Result<String, CommandError> {
    let value = validate::text(what, value, 128)?;
    if value.is_empty() {
        return Err(invalid(format!("the {what} is empty")));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.')))
    {
        return Err(invalid(format!("the {what} {value:?} contains {bad:?}")));
    }
    Ok(value)
}

fn non_empty_secret(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|s| !s.is_empty())
}

/// The Defender client an input describes, with the given secret or the stored one.
fn defender_config(
    state: &AppState,
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
    let cloud = cloud_for(&input.cloud, api_url.as_deref(), login_url.as_deref())?;
    let secret = match non_empty_secret(input.client_secret.as_ref()) {
        Some(secret) => {
            if secret.len() > 1024 || secret.chars().any(char::is_control) {
                return Err(invalid("the client secret is not a valid secret"));
            }
            Secret::new(secret)
        }
        None => secrets(state)
            .get(&client_secret_key())
            .map_err(internal)?
            .ok_or_else(|| invalid("enter the client secret (none is stored yet)"))?,
    };
    let config = DefenderConfig::new(&cloud, tenant_id.clone(), client_id.clone(), secret);
    config
        .validate()
        .map_err(|error| invalid(error.to_string()))?;
    let (api_url, login_url) = match cloud {
        Cloud::Global => (None, None),
        other => (Some(other.api_base()), Some(other.login_base())),
    };
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

fn settings_view(state: &AppState) -> Result<SettingsView, CommandError> {
    let store = &state.store;
    let secrets = secrets(state);
    let has = |key: &SecretKey| secrets.get(key).map(|s| s.is_some()).unwrap_or(false);
    let typed = |id: &str| -> Result<Option<ConnectionConfig>, CommandError> {
        store
            .get_connection(id)
            .map_err(internal)?
            .map(|connection| connection.typed_config().map_err(internal))
            .transpose()
    };
    let defender = match typed(DEFENDER_CONNECTION)? {
        Some(ConnectionConfig::Defender(config)) => Some(DefenderSettings {
            cloud: cloud_name(config.api_url.as_deref(), config.login_url.as_deref()).to_owned(),
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
            security: match config.security {
                SmtpSecurity::None => "none",
                SmtpSecurity::StartTls => "start_tls",
                SmtpSecurity::Tls => "tls",
            }
            .to_owned(),
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
        .get_setting(CLOSE_TO_TRAY_SETTING)
        .map_err(internal)?
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    let environment_overrides = [
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
    ]
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

async fn restart_engine(app: &tauri::AppHandle, state: &AppState) {
    state
        .engine
        .restart(
            app,
            &state.store,
            &state.database_path,
            &state.data_directory,
        )
        .await;
}

/// Everything Settings shows (never a secret).
#[tauri::command]
pub fn get_settings(state: tauri::State<'_, AppState>) -> Result<SettingsView, CommandError> {
    settings_view(&state)
}

/// Saves the Defender connection (the secret to the keychain) and restarts the engine with it.
#[tauri::command]
pub async fn save_defender_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    input: DefenderSettingsInput,
) -> Result<SettingsView, CommandError> {
    let (_, connection) = defender_config(&state, &input)?;
    if let Some(secret) = non_empty_secret(input.client_secret.as_ref()) {
        secrets(&state)
            .set(&client_secret_key(), &Secret::new(secret))
            .map_err(internal)?;
    }
    let config = ConnectionConfig::Defender(connection);
    state
        .store
        .save_connection(&Connection::new(
            DEFENDER_CONNECTION,
            "Defender for Endpoint",
            &config,
        ))
        .map_err(internal)?;
    tracing::info!("saved the Defender connection; restarting the engine");
    restart_engine(&app, &state).await;
    settings_view(&state)
}

/// "Test connection": gets a token and lists one machine, without saving anything.
#[tauri::command]
pub async fn test_defender_connection(
    state: tauri::State<'_, AppState>,
    input: DefenderSettingsInput,
) -> Result<CheckResult, CommandError> {
    let (config, _) = defender_config(&state, &input)?;
    let client = DefenderClient::new(&config).map_err(|error| invalid(error.to_string()))?;
    Ok(match client.test_connection().await {
        Ok(report) => CheckResult {
            ok: true,
            message: format!(
                "Connected: Entra issued a token and the API answered ({} machine(s) listed with $top=1).",
                report.machines_seen
            ),
        },
        Err(error) => CheckResult {
            ok: false,
            message: error.to_string(),
        },
    })
}

/// Forgets the Defender connection and its secret: the engine goes back to demo mode.
#[tauri::command]
pub async fn clear_defender_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
) -> Result<SettingsView, CommandError> {
    state
        .store
        .delete_connection(DEFENDER_CONNECTION)
        .map_err(internal)?;
    state
        .store
        .delete_connection(GRAPH_CONNECTION)
        .map_err(internal)?;
    secrets(&state)
        .delete(&client_secret_key())
        .map_err(internal)?;
    tracing::info!("removed the Defender connection; restarting the engine in demo mode");
    restart_engine(&app, &state).await;
    settings_view(&state)
}

/// Saves the SMTP server (the password to the keychain), or removes it when `input` is null.
#[tauri::command]
pub async fn save_smtp_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    input: Option<SmtpSettingsInput>,
) -> Result<SettingsView, CommandError> {
    let Some(input) = input else {
        state
            .store
            .delete_connection(SMTP_CONNECTION)
            .map_err(internal)?;
        secrets(&state)
            .delete(&smtp_password_key())
            .map_err(internal)?;
        restart_engine(&app, &state).await;
        return settings_view(&state);
    };
    let security = match input.security.as_str() {
        "none" => SmtpSecurity::None,
        "start_tls" => SmtpSecurity::StartTls,
        "tls" => SmtpSecurity::Tls,
        other => {
            return Err(invalid(format!(
                "the security {other:?} is not one of none, start_tls, tls"
            )));
        }
    };
    let connection = SmtpConnection {
        host: validate::text("SMTP host", &input.host, 253)?,
        port: input.port,
        security,
        username: input
            .username
            .as_deref()
            .map(|u| validate::text("SMTP user", u, 256))
            .transpose()?
            .filter(|u| !u.is_empty()),
        from: validate::text("sender", &input.from, 320)?,
        timeout_seconds: 30,
    };
    if connection.host.is_empty() {
        return Err(invalid("the SMTP host is empty"));
    }
    if connection.port == 0 {
        return Err(invalid("the SMTP port is 0"));
    }
    let password = non_empty_secret(input.password.as_ref()).map(Secret::new);
    // The email crate checks the rest (the sender's address, plain text only on loopback).
    let settings: flowguard_email::SmtpSettings =
        serde_json::from_value(ConnectionConfig::Smtp(connection.clone()).to_json())
            .map_err(internal)?;
    let stored_password = match &password {
        Some(_) => None,
        None => secrets(&state)
            .get(&smtp_password_key())
            .map_err(internal)?,
    };
    flowguard_email::SmtpMailer::new(settings, password.as_ref().or(stored_password.as_ref()))
        .map_err(|error| invalid(error.to_string()))?;
    if let Some(password) = &password {
        secrets(&state)
            .set(&smtp_password_key(), password)
            .map_err(internal)?;
    }
    state
        .store
        .save_connection(&Connection::new(
            SMTP_CONNECTION,
            "SMTP",
            &ConnectionConfig::Smtp(connection),
        ))
        .map_err(internal)?;
    restart_engine(&app, &state).await;
    settings_view(&state)
}

/// Sets up Microsoft Graph sendMail from `sender` with the Defender app registration (which
/// needs the Mail.Send application permission), or removes it when `sender` is null.
#[tauri::command]
pub async fn save_graph_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    sender: Option<String>,
) -> Result<SettingsView, CommandError> {
    match sender {
        None => {
            state
                .store
                .delete_connection(GRAPH_CONNECTION)
                .map_err(internal)?;
        }
        Some(sender) => {
            let sender = validate::text("sender mailbox", &sender, 320)?;
            if !sender.contains('@') {
                return Err(invalid(format!(
                    "the sender {sender:?} is not a mailbox address"
                )));
            }
            let Some(ConnectionConfig::Defender(defender)) = state
                .store
                .get_connection(DEFENDER_CONNECTION)
                .map_err(internal)?
                .map(|c| c.typed_config())
                .transpose()
                .map_err(internal)?
            else {
                return Err(invalid(
                    "Microsoft Graph sends with the Defender app registration: connect a tenant first",
                ));
            };
            state
                .store
                .save_connection(&Connection::new(
                    GRAPH_CONNECTION,
                    "Microsoft Graph",
                    &ConnectionConfig::Graph(GraphConnection {
                        tenant_id: defender.tenant_id,
                        client_id: defender.client_id,
                        sender,
                    }),
                ))
                .map_err(internal)?;
        }
    }
    restart_engine(&app, &state).await;
    settings_view(&state)
}

/// Sends a short test email through the running engine's mail connection (`smtp` or `graph`).
#[tauri::command]
pub async fn send_test_email(
    state: tauri::State<'_, AppState>,
    to: String,
    connection: String,
) -> Result<CheckResult, CommandError> {
    let to = validate::text("recipient", &to, 320)?;
    if !to.contains('@') {
        return Err(invalid(format!("{to:?} is not an email address")));
    }
    if connection != "smtp" && connection != "graph" {
        return Err(invalid("the connection is smtp or graph"));
    }
    let email = flowguard_email::OutgoingEmail {
        to: vec![to.clone()],
        cc: Vec::new(),
        subject: "Flowguard test email".to_owned(),
        body: "This is a test email from Flowguard: the mail connection works.".to_owned(),
        format: flowguard_email::BodyFormat::Text,
    };
    crate::runs::with_engine(&state, async |host| {
        Ok(match host.mail.send(&connection, &email).await {
            Ok(sent) => CheckResult {
                ok: true,
                message: format!(
                    "Sent to {to} ({})",
                    sent["messageId"].as_str().unwrap_or("accepted")
                ),
            },
            Err(error) => CheckResult {
                ok: false,
                message: error.to_string(),
            },
        })
    })
    .await
}

/// Whether closing the window keeps the engine running in the tray.
#[tauri::command]
pub fn set_close_to_tray(
    state: tauri::State<'_, AppState>,
    enabled: bool,
) -> Result<(), CommandError> {
    state
        .store
        .set_setting(CLOSE_TO_TRAY_SETTING, &Value::Bool(enabled))
        .map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_names_round_trip_through_their_bases() {
        for name in CLOUDS.iter().copied().filter(|name| *name != "custom") {
            let cloud = cloud_for(name, None, None).unwrap();
            let (api, login) = match cloud {
                Cloud::Global => (None, None),
                other => (Some(other.api_base()), Some(other.login_base())),
            };
            let found = cloud_name(api.as_deref(), login.as_deref());
            // DoD and GCC High share their hosts; either name is the same connection.
            if name == "dod" {
                assert_eq!(found, "gcc_high");
            } else {
                assert_eq!(found, name);
            }
        }
        assert_eq!(
            cloud_name(Some("http://127.0.0.1:9"), Some("http://127.0.0.1:9")),
            "custom"
        );
    }

    #[test]
    fn ids_refuse_what_cannot_be_a_tenant() {
        assert!(tenant_or_client_id("tenant id", "contoso.onmicrosoft.com").is_ok());
        assert!(tenant_or_client_id("tenant id", "8f2e9c4a-3b1d-4c5e-9f7a-1b2c3d4e5f60").is_ok());
        assert!(tenant_or_client_id("tenant id", "").is_err());
        assert!(tenant_or_client_id("tenant id", "a/b").is_err());
    }
}
