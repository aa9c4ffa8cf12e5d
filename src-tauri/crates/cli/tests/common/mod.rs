//! The `flowguard` binary pointed at an emulator running in the test process, through the same
//! environment variables a server deployment uses.

use std::path::Path;
use std::process::Command;

use flowguard_emulator::EmulatorHandle;

/// `flowguard` with a private data folder and database in `dir`, the emulator as its tenant and
/// its SMTP server as the mail server.
pub fn flowguard_against(dir: &Path, emulator: &EmulatorHandle, client_secret: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowguard"));
    command
        .env("FLOWGUARD_DB", dir.join("flowguard.db"))
        .env("FLOWGUARD_DATA_DIR", dir)
        .env("FLOWGUARD_SECRETS", "file")
        .env("FLOWGUARD_TENANT_ID", emulator.tenant_id())
        .env("FLOWGUARD_CLIENT_ID", emulator.client_id())
        .env("FLOWGUARD_CLIENT_SECRET", client_secret)
        .env("FLOWGUARD_API_URL", emulator.base_url())
        .env("FLOWGUARD_LOGIN_URL", emulator.base_url())
        .env(
            "FLOWGUARD_SMTP_URL",
            format!("smtp://{}", emulator.smtp_addr()),
        )
        .env("FLOWGUARD_MAIL_FROM", "flowguard@contoso.com")
        .env("RUST_LOG", "error");
    command
}
