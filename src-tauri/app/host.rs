//! The engine, hosted by the app: the same `flowguard_engine::service::Engine` the daemon runs,
//! started in the background when the window opens and restarted when Settings change a
//! connection.
//!
//! The app is the database's executor only if it gets the executor lock: with a `flowguard
//! daemon` already running on the same database, the app still edits flows but runs nothing, and
//! says why. Live run events are forwarded to the UI as the `run-event` event; a failed run
//! raises an OS notification (and one for a background run that changed the tenant, unless
//! the `notifyTenantChanges` setting is off).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tauri::{AppHandle, Emitter};
use tokio::sync::RwLock;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use flowguard_engine::events::RunEvent;
use flowguard_engine::lock::ExecutorLock;
use flowguard_engine::mail::MailConnections;
use flowguard_engine::service::{Engine, EngineConfig};
use flowguard_engine::setup::{Connections, Environment, Mode, connect};
use flowguard_ipc::{EngineMode, EngineStatus, RunEventView};
use flowguard_secrets::SecretStore;
use flowguard_store::Store;

/// How often demo mode polls the emulator for new alerts, so "Simulate alert" fires within
/// seconds (a real tenant uses each flow's own interval).
pub const DEMO_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The environment variable that overrides every alert flow's poll interval, in seconds (the
/// same one the daemon reads).
pub const POLL_INTERVAL_ENV: &str = "FLOWGUARD_POLL_INTERVAL";

/// The running engine and what it owns.
pub struct EngineHost {
    pub engine: Arc<Engine>,
    /// Demo mode owns the in-process emulator: it stops when this is dropped.
    pub mode: Mode,
    pub mail: Arc<MailConnections>,
    shutdown: CancellationToken,
    serving: JoinHandle<()>,
    forwarding: JoinHandle<()>,
}

/// The slot the engine lives in, shared by every command.
pub struct EngineSlot {
    host: RwLock<Option<EngineHost>>,
    /// Why there is no engine (set when starting failed).
    error: Mutex<Option<String>>,
    lock: Mutex<Option<ExecutorLock>>,
    secrets: Mutex<Option<Arc<dyn SecretStore>>>,
}

impl std::fmt::Debug for EngineSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSlot").finish_non_exhaustive()
    }
}

fn guard<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Default for EngineSlot {
    fn default() -> Self {
        Self::new()
    }
}

impl EngineSlot {
    pub fn new() -> Self {
        Self {
            host: RwLock::new(None),
            error: Mutex::new(Some("the engine is starting".to_owned())),
            lock: Mutex::new(None),
            secrets: Mutex::new(None),
        }
    }

    /// Read access to the running engine.
    pub async fn read(&self) -> tokio::sync::RwLockReadGuard<'_, Option<EngineHost>> {
        self.host.read().await
    }

    /// The secret store (the keychain, or the user-only file), opened once.
    pub fn secrets(&self, data_directory: &std::path::Path) -> Arc<dyn SecretStore> {
        let mut slot = guard(&self.secrets);
        if let Some(secrets) = slot.as_ref() {
            return secrets.clone();
        }
        let secrets = flowguard_secrets::open_default(data_directory).unwrap_or_else(|error| {
            tracing::warn!(%error, "FLOWGUARD_SECRETS is invalid; using the automatic choice");
            flowguard_secrets::open(data_directory, flowguard_secrets::Backend::Auto)
        });
        *slot = Some(secrets.clone());
        secrets
    }

    /// What the status bar shows.
    pub async fn status(&self) -> EngineStatus {
        let host = self.host.read().await;
        match host.as_ref() {
            Some(host) => {
                let (mode, emulator_url, smtp_addr) = match &host.mode {
                    Mode::Demo(handle) => (
                        EngineMode::Demo,
                        Some(handle.base_url()),
                        Some(handle.smtp_addr().to_string()),
                    ),
                    Mode::Tenant { .. } => (EngineMode::Tenant, None, None),
                };
                EngineStatus {
                    mode,
                    description: host.mode.describe(),
                    error: None,
                    emulator_url,
                    smtp_addr,
                    in_flight: u32::try_from(host.engine.in_flight().len()).unwrap_or(u32::MAX),
                }
            }
            None => {
                let error = guard(&self.error).clone();
                EngineStatus {
                    mode: EngineMode::Stopped,
                    description: "the engine is not running".to_owned(),
                    error,
                    emulator_url: None,
                    smtp_addr: None,
                    in_flight: 0,
                }
            }
        }
    }

    /// Starts the engine (or restarts it, after a connection changed): stops the running one
    /// (its in-flight runs finish or are checkpointed), connects again and serves.
    pub async fn restart(
        &self,
        app: &AppHandle,
        store: &Arc<Store>,
        database: &std::path::Path,
        data_directory: &std::path::Path,
    ) {
        let mut host = self.host.write().await;
        if let Some(old) = host.take() {
            old.stop().await;
        }
        match self.start(app, store, database, data_directory).await {
            Ok(started) => {
                tracing::info!(mode = %started.mode.describe(), "the engine is running");
                *host = Some(started);
                *guard(&self.error) = None;
            }
            Err(message) => {
                tracing::error!(%message, "the engine is not running");
                *guard(&self.error) = Some(message);
            }
        }
        drop(host);
        let status = self.status().await;
        let _ = app.emit("engine-status", status);
    }

    async fn start(
        &self,
        app: &AppHandle,
        store: &Arc<Store>,
        database: &std::path::Path,
        data_directory: &std::path::Path,
    ) -> Result<EngineHost, String> {
        {
            let mut lock = guard(&self.lock);
            if lock.is_none() {
                *lock = Some(
                    ExecutorLock::acquire(database, "the Flowguard app")
                        .map_err(|error| error.to_string())?,
                );
            }
        }
        let secrets = self.secrets(data_directory);
        let Connections {
            mode,
            defender,
            mail,
        } = connect(&Environment::from_process(), store, &secrets)
            .await
            .map_err(|error| format!("cannot set up the connections: {error}"))?;
        let poll_interval = std::env::var(POLL_INTERVAL_ENV)
            .ok()
            .and_then(|text| text.parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
            .map(Duration::from_secs_f64)
            .or(matches!(mode, Mode::Demo(_)).then_some(DEMO_POLL_INTERVAL));
        let tenant_key = match &mode {
            Mode::Demo(_) => "demo".to_owned(),
            Mode::Tenant { tenant_id, .. } => tenant_id.clone(),
        };
        let mail = Arc::new(mail);
        let engine = Engine::new(
            store.clone(),
            Arc::new(defender),
            mail.clone(),
            flowguard_engine::events::EventBus::new(),
            EngineConfig {
                poll_interval,
                tenant_key,
                shutdown_grace: Duration::from_secs(10),
                ..EngineConfig::default()
            },
        );
        let forwarding = tokio::spawn(forward_events(app.clone(), engine.clone()));
        let shutdown = CancellationToken::new();
        let serving = tokio::spawn(engine.clone().serve(shutdown.clone()));
        Ok(EngineHost {
            engine,
            mode,
            mail,
            shutdown,
            serving,
            forwarding,
        })
    }

    /// Stops the engine for good (the app is quitting).
    pub async fn shutdown(&self) {
        if let Some(host) = self.host.write().await.take() {
            host.stop().await;
        }
        guard(&self.lock).take();
    }
}

impl EngineHost {
    async fn stop(self) {
        self.shutdown.cancel();
        if let Err(error) = self.serving.await {
            tracing::warn!(%error, "the engine task ended badly");
        }
        self.forwarding.abort();
        if let Mode::Demo(handle) = self.mode {
            handle.shutdown().await;
        }
    }
}

/// The UI's shape of an engine event.
pub fn event_view(event: RunEvent) -> RunEventView {
    match event {
        RunEvent::RunStarted {
            run_id,
            flow_id,
            dry_run,
        } => RunEventView::RunStarted {
            run_id,
            flow_id,
            dry_run,
        },
        RunEvent::StepStarted {
            run_id,
            step_id,
            attempt,
        } => RunEventView::StepStarted {
            run_id,
            step_id,
            attempt,
        },
        RunEvent::StepRetrying {
            run_id,
            step_id,
            attempt,
            delay_ms,
            error,
        } => RunEventView::StepRetrying {
            run_id,
            step_id,
            attempt,
            delay_ms,
            error,
        },
        RunEvent::StepFinished {
            run_id,
            step_id,
            status,
            duration_ms,
        } => RunEventView::StepFinished {
            run_id,
            step_id,
            status,
            duration_ms,
        },
        RunEvent::RunFinished {
            run_id,
            flow_id,
            status,
        } => RunEventView::RunFinished {
            run_id,
            flow_id,
            status,
        },
    }
}

/// Forwards every engine event to the UI; a failed or interrupted run raises a notification.
async fn forward_events(app: AppHandle, engine: Arc<Engine>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut events = engine.events().subscribe();
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(missed)) => {
                // The UI re-reads runs from the database at run_finished; nothing is lost.
                tracing::debug!(missed, "the UI missed some run events");
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        if let RunEvent::RunFinished {
            run_id,
            flow_id,
            status,
        } = &event
            && (status == "failed" || status == "interrupted")
        {
            notify_failure(&app, engine.store(), run_id, flow_id, status);
        }
        if let RunEvent::RunFinished { run_id, .. } = &event {
            notify_tenant_change(&app, engine.store(), run_id);
        }
        if let Err(error) = app.emit("run-event", event_view(event)) {
            tracing::debug!(%error, "cannot emit a run event");
        }
    }
}

/// A background run that changed the tenant (read from the store: its tenant-changing steps
/// that succeeded for real) raises a notification, unless `notifyTenantChanges` is off.
fn notify_tenant_change(app: &AppHandle, store: &Store, run_id: &str) {
    use tauri_plugin_notification::NotificationExt;
    let (title, body) = match flowguard_commands::activity::tenant_change_notice(store, run_id) {
        Ok(Some(notice)) => notice,
        Ok(None) => return,
        Err(error) => {
            tracing::debug!(%run_id, %error, "cannot tell what the run changed");
            return;
        }
    };
    tracing::info!(%run_id, %body, "a background run changed the tenant");
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(%error, "cannot show a notification");
    }
}

fn notify_failure(app: &AppHandle, store: &Store, run_id: &str, flow_id: &str, status: &str) {
    use tauri_plugin_notification::NotificationExt;
    let name = store
        .get_flow(flow_id)
        .ok()
        .flatten()
        .map_or_else(|| flow_id.to_owned(), |stored| stored.flow.name);
    let reason = store
        .get_run(run_id)
        .ok()
        .and_then(|run| {
            run.reason.or_else(|| {
                run.steps
                    .iter()
                    .find(|step| step.status == "failed")
                    .and_then(|step| step.error.as_ref())
                    .and_then(|error| error["message"].as_str().map(str::to_owned))
            })
        })
        .unwrap_or_default();
    let body = if reason.is_empty() {
        format!("The run of \"{name}\" {status}.")
    } else {
        format!("The run of \"{name}\" {status}: {reason}")
    };
    if let Err(error) = app
        .notification()
        .builder()
        .title("Flowguard: a run failed")
        .body(body)
        .show()
    {
        tracing::info!(%error, "cannot show a notification");
    }
    // Keep a trace for people without a notification daemon.
    tracing::warn!(%run_id, %flow_id, %status, "a run did not succeed");
}
