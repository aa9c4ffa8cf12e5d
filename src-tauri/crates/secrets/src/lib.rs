//! Where Flowguard keeps secrets: the Entra app's client secret and the SMTP password.
//!
//! Secrets live in the OS keychain (Keychain on macOS, Credential Manager on Windows, the Secret
//! Service on Linux desktops) through the `keyring` crate. A headless Linux server often has no
//! Secret Service; there they fall back to a JSON file in the data folder that only the user can
//! read (mode 0600). `FLOWGUARD_SECRETS=keychain|file|auto` forces a backend.
//!
//! Secrets never reach SQLite, an export or a log line: [`Secret`] has no `Display`, its `Debug`
//! prints `Secret(***)`, and the only way to read it is [`Secret::expose`], called right where
//! the value goes on the wire.

mod file;
mod keychain;
mod memory;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use file::FileSecretStore;
pub use keychain::KeychainSecretStore;
pub use memory::MemorySecretStore;

/// The variable that forces a backend: `keychain`, `file` or `auto` (the default).
pub const BACKEND_ENV: &str = "FLOWGUARD_SECRETS";

/// The keychain service name every secret is filed under.
pub const KEYCHAIN_SERVICE: &str = "dev.flowguard.desktop";

/// The name of the fallback file inside the data folder.
pub const SECRETS_FILE_NAME: &str = "secrets.json";

/// A secret value. It cannot be printed; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it (an HTTP form, an SMTP AUTH command).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Which secret: a connection's id and the field, e.g. `defender:default` + `client_secret`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretKey {
    pub connection: String,
    pub field: String,
}

impl SecretKey {
    pub fn new(connection: impl Into<String>, field: impl Into<String>) -> Self {
        Self {
            connection: connection.into(),
            field: field.into(),
        }
    }

    /// The single string the backends file the secret under.
    pub fn account(&self) -> String {
        format!("{}/{}", self.connection, self.field)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the OS keychain failed: {message}")]
    Keychain { message: String },
    #[error("cannot use the secrets file {path}: {message}")]
    File { path: String, message: String },
    #[error(
        "the secrets file {path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`"
    )]
    FileTooOpen { path: String, mode: u32 },
    #[error("{BACKEND_ENV}={value} is not one of keychain, file, auto")]
    UnknownBackend { value: String },
}

/// A place to keep secrets. Implementations are cheap to share behind an `Arc`.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// A short name for messages: `OS keychain`, `file /path`, `memory`.
    fn describe(&self) -> String;
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError>;
    fn set(&self, key: &SecretKey, value: &Secret) -> Result<(), SecretError>;
    /// Removes the secret; removing a missing one is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
}

/// How long to wait for the keychain to answer the probe before falling back to the file (a
/// Secret Service with no `$HOME/.cache` can hang for ~25 s per call).
pub const KEYCHAIN_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Which backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The keychain when it answers, otherwise the file.
    Auto,
    Keychain,
    File,
}

impl Backend {
    /// Reads `FLOWGUARD_SECRETS` (unset means `auto`).
    pub fn from_env() -> Result<Self, SecretError> {
        Self::parse(&std::env::var(BACKEND_ENV).unwrap_or_default())
    }

    pub fn parse(value: &str) -> Result<Self, SecretError> {
        match value.trim() {
            "" | "auto" => Ok(Self::Auto),
            "keychain" => Ok(Self::Keychain),
            "file" => Ok(Self::File),
            other => Err(SecretError::UnknownBackend {
                value: other.to_owned(),
            }),
        }
    }
}

/// Opens the store to use: the keychain when it answers, otherwise the user-only file in
/// `data_directory`.
pub fn open(data_directory: &Path, backend: Backend) -> Arc<dyn SecretStore> {
    let file = || -> Arc<dyn SecretStore> {
        Arc::new(FileSecretStore::new(data_directory.join(SECRETS_FILE_NAME)))
    };
    match backend {
        Backend::File => file(),
        Backend::Keychain => Arc::new(KeychainSecretStore::new(KEYCHAIN_SERVICE)),
        Backend::Auto => {
            let keychain = KeychainSecretStore::new(KEYCHAIN_SERVICE);
            match keychain.probe(KEYCHAIN_PROBE_TIMEOUT) {
                Ok(()) => Arc::new(keychain),
                Err(reason) => {
                    tracing::info!(%reason, "no usable OS keychain; keeping secrets in a user-only file");
                    file()
                }
            }
        }
    }
}

/// [`open`] with the backend from `FLOWGUARD_SECRETS`.
pub fn open_default(data_directory: &Path) -> Result<Arc<dyn SecretStore>, SecretError> {
    Ok(open(data_directory, Backend::from_env()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(***))");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn backend_names() {
        assert_eq!(Backend::parse("").unwrap(), Backend::Auto);
        assert_eq!(Backend::parse("file").unwrap(), Backend::File);
        assert_eq!(Backend::parse("keychain").unwrap(), Backend::Keychain);
        let error = Backend::parse("vault").unwrap_err().to_string();
        assert!(error.contains("FLOWGUARD_SECRETS=vault"), "{error}");
    }

    #[test]
    fn the_file_backend_is_chosen_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path(), Backend::File);
        assert!(
            store.describe().contains("secrets.json"),
            "{}",
            store.describe()
        );
    }
}
