//! Settings: the Defender connection, the mail connections and the tray. The bodies live in
//! `flowguard_commands::settings` (secrets to the keychain, never returned); a command here
//! calls one and, when a connection changed, restarts the engine with it.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use std::sync::Arc;

use flowguard_commands::settings;
use flowguard_ipc::{
    CheckResult, CommandError, DefenderSettingsInput, SettingsView, SmtpSettingsInput,
};
use flowguard_secrets::SecretStore;

use crate::state::AppState;

pub use flowguard_commands::settings::CLOSE_TO_TRAY_SETTING;

fn secrets(state: &AppState) -> Arc<dyn SecretStore> {
    state.engine.secrets(&state.data_directory)
}

fn view(state: &AppState) -> Result<SettingsView, CommandError> {
    settings::view(&state.store, secrets(state).as_ref())
}

/// Restarts the engine with the saved connections and returns what Settings shows now.
async fn restarted(app: &tauri::AppHandle, state: &AppState) -> Result<SettingsView, CommandError> {
    tracing::info!("a connection changed; restarting the engine");
    state
        .engine
        .restart(
            app,
            &state.store,
            &state.database_path,
            &state.data_directory,
        )
        .await;
    view(state)
}

/// Everything Settings shows (never a secret).
#[tauri::command]
pub fn get_settings(state: tauri::State<'_, AppState>) -> Result<SettingsView, CommandError> {
    view(&state)
}

/// Saves the Defender connection (the secret to the keychain) and restarts the engine with it.
#[tauri::command]
pub async fn save_defender_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    input: DefenderSettingsInput,
) -> Result<SettingsView, CommandError> {
    settings::save_defender(&state.store, secrets(&state).as_ref(), &input)?;
    restarted(&app, &state).await
}

/// "Test connection": gets a token and lists one machine, without saving anything.
#[tauri::command]
pub async fn test_defender_connection(
    state: tauri::State<'_, AppState>,
    input: DefenderSettingsInput,
) -> Result<CheckResult, CommandError> {
    let secrets = secrets(&state);
    settings::test_defender(secrets.as_ref(), &input).await
}

/// Forgets the Defender connection and its secret: the engine goes back to demo mode.
#[tauri::command]
pub async fn clear_defender_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
) -> Result<SettingsView, CommandError> {
    settings::clear_defender(&state.store, secrets(&state).as_ref())?;
    restarted(&app, &state).await
}

/// Saves the SMTP server (the password to the keychain), or removes it when `input` is null.
#[tauri::command]
pub async fn save_smtp_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    input: Option<SmtpSettingsInput>,
) -> Result<SettingsView, CommandError> {
    settings::save_smtp(&state.store, secrets(&state).as_ref(), input.as_ref())?;
    restarted(&app, &state).await
}

/// Sets up Microsoft Graph sendMail from `sender` with the Defender app registration (which
/// needs the Mail.Send application permission), or removes it when `sender` is null.
#[tauri::command]
pub async fn save_graph_settings(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    sender: Option<String>,
) -> Result<SettingsView, CommandError> {
    settings::save_graph(&state.store, sender.as_deref())?;
    restarted(&app, &state).await
}

/// Sends a short test email through the running engine's mail connection (`smtp` or `graph`).
#[tauri::command]
pub async fn send_test_email(
    state: tauri::State<'_, AppState>,
    to: String,
    connection: String,
) -> Result<CheckResult, CommandError> {
    // Refuse a bad address before asking for the engine.
    settings::test_email(&to, &connection)?;
    crate::runs::with_engine(&state, async |host| {
        settings::send_test_email(host.mail.as_ref(), &to, &connection).await
    })
    .await
}

/// Whether closing the window keeps the engine running in the tray.
#[tauri::command]
pub fn set_close_to_tray(
    state: tauri::State<'_, AppState>,
    enabled: bool,
) -> Result<(), CommandError> {
    settings::set_close_to_tray(&state.store, enabled)
}
