//! `flowguard emulator`: runs the Defender for Endpoint emulator and its SMTP sink until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use flowguard_emulator::{Emulator, EmulatorConfig, Quota};

/// Run a local emulator of the Defender for Endpoint API (and an SMTP sink) until Ctrl-C.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// HTTP address (API, login and control API).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// SMTP sink address.
    #[arg(long, default_value = "127.0.0.1:2525")]
    pub smtp_addr: SocketAddr,
    /// Seed of the generated tenant (machines and alerts).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds a machine action takes from Pending to Succeeded.
    #[arg(long, default_value_t = 5.0)]
    pub action_delay: f64,
    /// Enforce the documented quotas (100 calls/min, 1,500/hour, hunting 45/min).
    #[arg(long)]
    pub quotas: bool,
    /// Number of seeded machines.
    #[arg(long, default_value_t = 12)]
    pub machines: usize,
    /// Number of seeded alerts.
    #[arg(long, default_value_t = 40)]
    pub alerts: usize,
}

pub fn run(args: &EmulatorArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: &EmulatorArgs) -> anyhow::Result<ExitCode> {
    let config = EmulatorConfig {
        seed: args.seed,
        addr: args.addr,
        smtp_addr: args.smtp_addr,
        action_delay: Duration::from_secs_f64(args.action_delay.max(0.0)),
        quota: args.quotas.then(Quota::documented),
        machines: args.machines,
        alerts: args.alerts,
        ..EmulatorConfig::default()
    };
    let handle = Emulator::start(config)
        .await
        .context("cannot start the emulator")?;
    let base = handle.base_url();
    let tenant = handle.tenant_id().to_owned();
    let client_id = handle.client_id().to_owned();
    let secret = handle.client_secret().to_owned();
    println!("Flowguard Defender emulator");
    println!("  API base URL : {base}/api   (also {base}/api/v1.0)");
    println!("  Login URL    : {base}   (token: {base}/{tenant}/oauth2/v2.0/token)");
    println!("  Control API  : {base}/_emulator/state");
    println!(
        "  SMTP sink    : {}   (messages at {base}/_emulator/mail)",
        handle.smtp_addr()
    );
    println!("  Tenant id    : {tenant}");
    println!("  Client id    : {client_id}");
    println!("  Client secret: {secret}");
    println!();
    println!("Try:");
    println!(
        "  TOKEN=$(curl -s -d client_id={client_id} -d client_secret={secret} -d grant_type=client_credentials \\\n    --data-urlencode scope=https://api.securitycenter.microsoft.com/.default \\\n    {base}/{tenant}/oauth2/v2.0/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')"
    );
    println!("  curl -s -H \"Authorization: Bearer $TOKEN\" '{base}/api/alerts?$top=2'");
    println!();
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")?;
    println!("Stopping.");
    handle.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
