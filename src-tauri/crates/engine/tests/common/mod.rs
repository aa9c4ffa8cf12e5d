//! A world for the engine's integration tests: the emulator over HTTP, its SMTP server, a real
//! SQLite file, and the real client and mailer between them.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use flowguard_defender::{Cloud, DefenderClient, DefenderConfig, RateLimits, RetryPolicy, Secret};
use flowguard_email::{SmtpMailer, SmtpSettings};
use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use flowguard_engine::events::EventBus;
use flowguard_engine::executor::ExecutorSettings;
use flowguard_engine::live::LiveDefender;
use flowguard_engine::mail::MailConnections;
use flowguard_engine::retry::RetryPolicy as StepRetry;
use flowguard_engine::service::{Engine, EngineConfig};
use flowguard_store::Store;

pub struct World {
    pub emulator: EmulatorHandle,
    pub store: Arc<Store>,
    pub engine: Arc<Engine>,
    pub _dir: tempfile::TempDir,
}

pub fn client_for(emulator: &EmulatorHandle) -> DefenderClient {
    let cloud = Cloud::Custom {
        login_base: emulator.base_url(),
        api_base: emulator.base_url(),
    };
    let mut config = DefenderConfig::new(
        &cloud,
        emulator.tenant_id(),
        emulator.client_id(),
        Secret::new(emulator.client_secret()),
    );
    // The engine retries steps itself; the client's own retries are off so the tests see the
    // engine's attempts.
    config.retry = RetryPolicy::disabled();
    config.limits = RateLimits::unlimited();
    config.timeout = Duration::from_secs(5);
    DefenderClient::new(&config).expect("the client is configured")
}

pub fn smtp_to(address: std::net::SocketAddr) -> SmtpMailer {
    let (mut settings, _) = SmtpSettings::from_url(
        &format!("smtp://{address}"),
        "Flowguard <flowguard@contoso.com>",
    )
    .unwrap();
    settings.timeout_seconds = 2;
    SmtpMailer::new(settings, None).unwrap()
}

pub async fn world_with(emulator_config: EmulatorConfig, engine_config: EngineConfig) -> World {
    let emulator = Emulator::start(emulator_config)
        .await
        .expect("the emulator starts");
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("flowguard.db")).unwrap());
    let mail = MailConnections {
        smtp: Some(smtp_to(emulator.smtp_addr())),
        graph: None,
    };
    let engine = Engine::new(
        store.clone(),
        Arc::new(LiveDefender::new(client_for(&emulator))),
        Arc::new(mail),
        EventBus::new(),
        engine_config,
    );
    World {
        emulator,
        store,
        engine,
        _dir: dir,
    }
}

pub fn fast_engine() -> EngineConfig {
    EngineConfig {
        poll_interval: Some(Duration::from_millis(200)),
        executor: ExecutorSettings {
            retry: StepRetry::fast(4),
            step_timeout: Duration::from_secs(10),
        },
        shutdown_grace: Duration::from_secs(5),
        ..EngineConfig::default()
    }
}

pub fn quiet_emulator() -> EmulatorConfig {
    EmulatorConfig {
        alerts: 0,
        action_delay: Duration::from_millis(200),
        ..EmulatorConfig::default()
    }
}

pub async fn world() -> World {
    world_with(quiet_emulator(), fast_engine()).await
}

/// Saves and publishes the seed template, left off.
pub fn publish_seed(store: &Store) -> String {
    let flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    store.save_flow(&flow).unwrap();
    store.publish(&flow.id).unwrap();
    flow.id
}

/// Saves, publishes and enables the seed template.
pub fn enable_seed(store: &Store) -> String {
    let id = publish_seed(store);
    store.set_enabled(&id, true).unwrap();
    id
}

/// The isolation requests the emulator received.
pub fn isolations(emulator: &EmulatorHandle) -> Vec<flowguard_emulator::RequestRecord> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/isolate"))
        .collect()
}

/// Waits until `check` holds, or panics after `limit`.
pub async fn eventually<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
