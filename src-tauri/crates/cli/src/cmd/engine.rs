//! What `run` and `daemon` share: the store, the secrets, the connections and the engine.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use flowguard_commands::setup::{Connections, Environment, Mode, connect};
use flowguard_engine::events::EventBus;
use flowguard_engine::service::{Engine, EngineConfig};
use flowguard_store::Store;

use crate::Cli;

/// The environment variable that overrides every alert flow's poll interval, in seconds.
pub const POLL_INTERVAL_ENV: &str = "FLOWGUARD_POLL_INTERVAL";

pub struct Running {
    pub store: Arc<Store>,
    pub engine: Arc<Engine>,
    /// Held for the life of the command: in demo mode it owns the in-process emulator, which
    /// stops when this is dropped.
    pub _mode: Mode,
}

/// Connects and builds the engine. Says on stderr which tenant it talks to (or that it is demo
/// mode).
pub async fn start(cli: &Cli, poll_interval: Option<Duration>) -> anyhow::Result<Running> {
    let store = Arc::new(cli.open_store()?);
    let data_directory = flowguard_store::paths::data_directory()?;
    let secrets = flowguard_secrets::open_default(&data_directory)?;
    let Connections {
        mode,
        defender,
        mail,
    } = connect(&Environment::from_process(), &store, &secrets)
        .await
        .context("cannot set up the connections")?;
    eprintln!("flowguard: {}", mode.describe());
    let poll_interval = poll_interval.or_else(|| {
        std::env::var(POLL_INTERVAL_ENV)
            .ok()
            .and_then(|text| text.parse::<f64>().ok())
            .map(Duration::from_secs_f64)
    });
    let engine = Engine::new(
        store.clone(),
        Arc::new(defender),
        Arc::new(mail),
        EventBus::new(),
        EngineConfig {
            poll_interval,
            ..EngineConfig::default()
        },
    );
    Ok(Running {
        store,
        engine,
        _mode: mode,
    })
}
