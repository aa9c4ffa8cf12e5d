//! The fallback for machines without a keychain: a JSON file only the user can read.
//!
//! The file is rewritten whole through a temporary file and a rename, so a crash never leaves
//! half a file, and created with mode 0600 on Unix. A file that others can read is refused rather
//! than silently used. On Windows the file inherits the user profile's ACL.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{Secret, SecretError, SecretKey, SecretStore};

#[derive(Debug)]
pub struct FileSecretStore {
    path: PathBuf,
    /// Serialises read-modify-write cycles within this process.
    lock: Mutex<()>,
}

impl FileSecretStore {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, message: &dyn std::fmt::Display) -> SecretError {
        SecretError::File {
            path: self.path.display().to_string(),
            message: message.to_string(),
        }
    }

    fn read(&self) -> Result<BTreeMap<String, String>, SecretError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(BTreeMap::new());
            }
            Err(error) => return Err(self.error(&error)),
        };
        self.check_permissions()?;
        serde_json::from_slice(&bytes)
            .map_err(|error| self.error(&format!("not valid JSON: {error}")))
    }

    #[cfg(unix)]
    fn check_permissions(&self) -> Result<(), SecretError> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&self.path)
            .map_err(|e| self.error(&e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(SecretError::FileTooOpen {
                path: self.path.display().to_string(),
                mode: mode & 0o777,
            });
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_permissions(&self) -> Result<(), SecretError> {
        Ok(())
    }

    fn write(&self, values: &BTreeMap<String, String>) -> Result<(), SecretError> {
        let directory = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(directory).map_err(|e| self.error(&e))?;
        let temporary = directory.join(format!(".secrets.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temporary).map_err(|e| self.error(&e))?;
        let text = serde_json::to_vec_pretty(values).map_err(|e| self.error(&e))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(|e| self.error(&e))?;
        drop(file);
        std::fs::rename(&temporary, &self.path).map_err(|e| self.error(&e))
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for FileSecretStore {
    fn describe(&self) -> String {
        format!("file {}", self.path.display())
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        let _guard = self.guard();
        Ok(self.read()?.remove(&key.account()).map(Secret::new))
    }

    fn set(&self, key: &SecretKey, value: &Secret) -> Result<(), SecretError> {
        let _guard = self.guard();
        let mut values = self.read()?;
        values.insert(key.account(), value.expose().to_owned());
        self.write(&values)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        let _guard = self.guard();
        let mut values = self.read()?;
        if values.remove(&key.account()).is_some() {
            self.write(&values)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_survives_a_new_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let key = SecretKey::new("defender:default", "client_secret");
        FileSecretStore::new(path.clone())
            .set(&key, &Secret::new("s3cret"))
            .unwrap();
        let again = FileSecretStore::new(path);
        assert_eq!(again.get(&key).unwrap(), Some(Secret::new("s3cret")));
        again.delete(&key).unwrap();
        assert_eq!(again.get(&key).unwrap(), None);
        again.delete(&key).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_an_open_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let store = FileSecretStore::new(path.clone());
        let key = SecretKey::new("smtp:default", "password");
        store.set(&key, &Secret::new("pw")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = store.get(&key).unwrap_err();
        assert!(
            matches!(error, SecretError::FileTooOpen { mode: 0o644, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("chmod 600"), "{error}");
    }

    #[test]
    fn a_broken_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let store = FileSecretStore::new(path.clone());
        store
            .set(&SecretKey::new("a", "b"), &Secret::new("c"))
            .unwrap();
        std::fs::write(&path, b"{ not json").unwrap();
        let error = store
            .get(&SecretKey::new("a", "b"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("secrets.json") && error.contains("not valid JSON"),
            "{error}"
        );
    }
}
