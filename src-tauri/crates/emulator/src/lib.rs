//! A local emulator of the Microsoft Defender for Endpoint API and an SMTP sink, for demo mode,
//! tests and benchmarks.
//!
//! [`Emulator::start`] binds an HTTP server (axum) and an SMTP server on loopback and returns an
//! [`EmulatorHandle`]. The HTTP server answers:
//!
//! - the Entra ID token endpoints `POST /{tenant}/oauth2/v2.0/token` and `POST /{tenant}/oauth2/token`,
//!   so the login base URL equals [`EmulatorHandle::base_url`];
//! - the Defender endpoints under `/api/` and `/api/v1.0/` (alerts, machines, machine actions,
//!   advanced hunting, indicators) with the documented status codes and error bodies;
//! - a control API under `/_emulator/` (no auth) for tests, demo mode and benchmarks.
//!
//! The state is seeded deterministically from [`EmulatorConfig::seed`]. See the crate README for
//! the routes and the assumptions made where Microsoft's documentation is silent.

mod api;
mod auth;
mod control;
mod odata;
mod seed;
mod smtp;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use state::{FaultSpec, ReceivedMail, RequestBody, RequestRecord};

/// The documented API quotas, optionally time-scaled for tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// Calls allowed per minute window (documented: 100).
    pub per_minute: u32,
    /// Calls allowed per hour window (documented: 1,500).
    pub per_hour: u32,
    /// Advanced hunting calls allowed per minute window (documented: 45), on top of the above.
    pub hunting_per_minute: u32,
    /// Multiplies the window lengths: 1.0 is real time, 0.01 makes the "minute" last 0.6 s and the
    /// "hour" 36 s.
    pub time_scale: f64,
}

impl Quota {
    /// The documented limits: 100 calls a minute, 1,500 an hour, 45 hunting calls a minute.
    #[must_use]
    pub fn documented() -> Self {
        Self {
            per_minute: 100,
            per_hour: 1500,
            hunting_per_minute: 45,
            time_scale: 1.0,
        }
    }

    /// The same limits over windows multiplied by `scale`.
    #[must_use]
    pub fn time_scaled(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    /// The length of the "minute" window.
    #[must_use]
    pub fn minute_window(&self) -> Duration {
        Duration::from_secs_f64(60.0 * self.time_scale.max(0.0))
    }

    /// The length of the "hour" window.
    #[must_use]
    pub fn hour_window(&self) -> Duration {
        Duration::from_secs_f64(3600.0 * self.time_scale.max(0.0))
    }
}

impl Default for Quota {
    fn default() -> Self {
        Self::documented()
    }
}

/// How to start an emulator. `Default` gives the demo tenant with quotas off.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Seed of the generated tenant (machines, alerts); the same seed gives the same tenant.
    pub seed: u64,
    /// The only tenant the token endpoints accept.
    pub tenant_id: String,
    /// The only client id the token endpoints accept; also the `requestor` of machine actions.
    pub client_id: String,
    /// The client secret the token endpoints accept.
    pub client_secret: String,
    /// Lifetime of issued access tokens (`expires_in`).
    pub token_lifetime: Duration,
    /// Time a machine action takes from Pending to Succeeded (InProgress after half of it).
    pub action_delay: Duration,
    /// API quotas; `None` (the default) means no quota.
    pub quota: Option<Quota>,
    /// Number of seeded machines.
    pub machines: usize,
    /// Number of seeded alerts.
    pub alerts: usize,
    /// HTTP listen address (default `127.0.0.1:0`, a free port).
    pub addr: SocketAddr,
    /// SMTP listen address (default `127.0.0.1:0`, a free port).
    pub smtp_addr: SocketAddr,
}

/// Demo tenant id.
pub const DEMO_TENANT_ID: &str = "00000000-0000-0000-0000-000000000001";
/// Demo client id.
pub const DEMO_CLIENT_ID: &str = "flowguard-demo";
/// Demo client secret.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            tenant_id: DEMO_TENANT_ID.to_owned(),
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            token_lifetime: Duration::from_secs(3599),
            action_delay: Duration::from_secs(5),
            quota: None,
            machines: 12,
            alerts: 40,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            smtp_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The HTTP or SMTP address could not be bound.
    #[error("cannot bind {what} on {addr}: {source}")]
    Bind {
        /// "HTTP" or "SMTP".
        what: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Entry point.
pub struct Emulator;

impl Emulator {
    /// Binds the HTTP and SMTP servers and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// [`EmulatorError::Bind`] when an address cannot be bound.
    pub async fn start(config: EmulatorConfig) -> Result<EmulatorHandle, EmulatorError> {
        let http = TcpListener::bind(config.addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                what: "HTTP",
                addr: config.addr,
                source,
            })?;
        let smtp = TcpListener::bind(config.smtp_addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                what: "SMTP",
                addr: config.smtp_addr,
                source,
            })?;
        let addr = http.local_addr().map_err(|source| EmulatorError::Bind {
            what: "HTTP",
            addr: config.addr,
            source,
        })?;
        let smtp_addr = smtp.local_addr().map_err(|source| EmulatorError::Bind {
            what: "SMTP",
            addr: config.smtp_addr,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(state::Shared::new(config, base_url));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);

        let app = api::router(Arc::clone(&shared));
        let mut rx = shutdown_rx.clone();
        let http_task = tokio::spawn(async move {
            let result = axum::serve(http, app)
                .with_graceful_shutdown(async move {
                    smtp::stopped(&mut rx).await;
                })
                .await;
            if let Err(error) = result {
                tracing::warn!(%error, "emulator HTTP server stopped");
            }
        });
        let smtp_task = tokio::spawn(smtp::serve(smtp, Arc::clone(&shared), shutdown_rx));
        tracing::info!(%addr, %smtp_addr, "Defender emulator started");
        Ok(EmulatorHandle {
            shared,
            addr,
            smtp_addr,
            shutdown_tx,
            tasks: vec![http_task, smtp_task],
        })
    }
}

/// A running emulator. Dropping it stops the servers too; [`EmulatorHandle::shutdown`] also waits.
pub struct EmulatorHandle {
    shared: Arc<state::Shared>,
    addr: SocketAddr,
    smtp_addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("addr", &self.addr)
            .field("smtp_addr", &self.smtp_addr)
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: the API is under `/api`, the login endpoints under `/{tenant}/oauth2/...`.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The HTTP socket address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The SMTP sink's socket address.
    #[must_use]
    pub fn smtp_addr(&self) -> SocketAddr {
        self.smtp_addr
    }

    /// The accepted tenant id.
    #[must_use]
    pub fn tenant_id(&self) -> &str {
        &self.shared.config.tenant_id
    }

    /// The accepted client id.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.shared.config.client_id
    }

    /// The accepted client secret.
    #[must_use]
    pub fn client_secret(&self) -> &str {
        &self.shared.config.client_secret
    }

    /// The v2 token URL of the emulated tenant.
    #[must_use]
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.shared.base_url, self.shared.config.tenant_id
        )
    }

    /// Creates an alert from partial JSON (like `POST /_emulator/alerts`) and returns it: an
    /// unknown `machineId` / `computerDnsName` creates the machine, missing fields get defaults
    /// (times = now, severity Medium, status New). Takes a `Value` or a `&Value`.
    pub fn create_alert(
        &self,
        partial: impl std::borrow::Borrow<serde_json::Value>,
    ) -> serde_json::Value {
        self.shared.create_alert(partial.borrow())
    }

    /// Creates `count` alerts at once (like `POST /_emulator/alerts/bulk`); `severity` fixes their severity.
    pub fn create_alerts_bulk(&self, count: usize, severity: Option<&str>) {
        self.shared.bulk_alerts(count, severity);
    }

    /// Starts (or restarts) the alert generator, like `POST /_emulator/generator`. Must be called
    /// from within a tokio runtime.
    pub fn start_generator(&self, rate_per_second: f64, severity: Option<&str>) {
        let rate = if rate_per_second.is_finite() {
            rate_per_second.clamp(0.001, 10_000.0)
        } else {
            1.0
        };
        self.shared
            .start_generator(rate, severity.map(str::to_owned));
    }

    /// Stops the alert generator, like `DELETE /_emulator/generator`.
    pub fn stop_generator(&self) {
        self.shared.stop_generator();
    }

    /// Every message the SMTP sink received.
    #[must_use]
    pub fn mail(&self) -> Vec<ReceivedMail> {
        self.shared.lock().mail.clone()
    }

    /// The request log (API and token calls; not the control API).
    #[must_use]
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.iter().cloned().collect()
    }

    /// Clears the request log.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Injects a fault (like `POST /_emulator/faults`).
    pub fn add_fault(&self, fault: FaultSpec) {
        self.shared.lock().faults.push(fault);
    }

    /// Expires every issued token (like `POST /_emulator/tokens/expire`); returns how many.
    pub fn expire_tokens(&self) -> usize {
        self.shared.expire_tokens()
    }

    /// Back to the seeded state (like `POST /_emulator/reset`). Issued tokens stay valid.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Counts of the state (like `GET /_emulator/state`).
    #[must_use]
    pub fn state_summary(&self) -> serde_json::Value {
        self.shared.summary()
    }

    /// Stops both servers and the alert generator, and waits for them (at most 5 s).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        self.shared.stop_generator();
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        self.shared.stop_generator();
        for task in &self.tasks {
            task.abort();
        }
    }
}
