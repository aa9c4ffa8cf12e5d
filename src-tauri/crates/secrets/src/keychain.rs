//! The OS keychain through the `keyring` crate.

use std::sync::mpsc;
use std::time::Duration;

use crate::{Secret, SecretError, SecretKey, SecretStore};

#[derive(Debug, Clone)]
pub struct KeychainSecretStore {
    service: String,
}

fn keychain_error(error: &keyring::Error) -> SecretError {
    SecretError::Keychain {
        message: error.to_string(),
    }
}

impl KeychainSecretStore {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &key.account()).map_err(|e| keychain_error(&e))
    }

    /// Checks that the keychain answers within `timeout`, by reading an entry that does not
    /// exist. A Secret Service without a session bus fails at once; one without a writable
    /// `$HOME/.cache` can hang, hence the timeout (the probing thread is left to finish alone).
    pub fn probe(&self, timeout: Duration) -> Result<(), String> {
        let store = self.clone();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let key = SecretKey::new("flowguard", "keychain-probe");
            let outcome = store
                .entry(&key)
                .and_then(|entry| match entry.get_password() {
                    Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(error) => Err(keychain_error(&error)),
                });
            let _ = sender.send(outcome.map_err(|e| e.to_string()));
        });
        receiver
            .recv_timeout(timeout)
            .unwrap_or_else(|_| Err(format!("the keychain did not answer within {timeout:?}")))
    }
}

impl SecretStore for KeychainSecretStore {
    fn describe(&self) -> String {
        "OS keychain".to_owned()
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(&error)),
        }
    }

    fn set(&self, key: &SecretKey, value: &Secret) -> Result<(), SecretError> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| keychain_error(&e))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(&error)),
        }
    }
}
