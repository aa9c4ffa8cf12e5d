//! An in-memory store for unit tests and for a process that must not touch the disk.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::{Secret, SecretError, SecretKey, SecretStore};

#[derive(Debug, Default)]
pub struct MemorySecretStore {
    values: Mutex<BTreeMap<SecretKey, Secret>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn values(&self) -> std::sync::MutexGuard<'_, BTreeMap<SecretKey, Secret>> {
        self.values
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemorySecretStore {
    fn describe(&self) -> String {
        "memory".to_owned()
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        Ok(self.values().get(key).cloned())
    }

    fn set(&self, key: &SecretKey, value: &Secret) -> Result<(), SecretError> {
        self.values().insert(key.clone(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.values().remove(key);
        Ok(())
    }
}
