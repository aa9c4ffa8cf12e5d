//! One executor per database.
//!
//! Two executors on one database would run every flow twice: each would poll the same alerts and
//! fire the same schedules. The executor therefore holds an exclusive OS file lock on
//! `<database>.lock` for as long as it runs. The OS drops the lock when the process dies, however
//! it dies, so a crash never leaves a stale lock behind. The file's content (pid, program, start
//! time) only serves the message shown to the second process.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another Flowguard executor is already running flows from {database} ({holder}); \
         stop it first, or point this one at another database with --db"
    )]
    Held { database: String, holder: String },
    #[error("cannot create the lock file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Held while this process is the database's executor; released on drop or process exit.
#[derive(Debug)]
pub struct ExecutorLock {
    file: File,
    path: PathBuf,
}

/// The lock file next to a database.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    database.with_file_name(name)
}

impl ExecutorLock {
    /// Takes the lock or says who holds it. `program` names this process in that message
    /// (`flowguard daemon`, `Flowguard app`).
    pub fn acquire(database: &Path, program: &str) -> Result<Self, LockError> {
        let path = lock_path(database);
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LockError::Held {
                    database: database.display().to_string(),
                    holder: if holder.is_empty() {
                        "holder unknown".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(io(error)),
        }
        let holder = format!(
            "{program}, pid {}, since {}",
            std::process::id(),
            humantime_now()
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .map_err(io)?;
        file.write_all(holder.as_bytes())
            .and_then(|()| file.flush())
            .map_err(io)?;
        Ok(Self { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ExecutorLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Seconds since the epoch, as UTC text, without pulling a date crate into this module.
fn humantime_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("unix time {seconds}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_executor_is_refused_with_the_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("flowguard.db");
        let first = ExecutorLock::acquire(&database, "flowguard daemon").unwrap();
        assert_eq!(first.path(), dir.path().join("flowguard.db.lock"));

        let error = ExecutorLock::acquire(&database, "Flowguard app")
            .unwrap_err()
            .to_string();
        assert!(error.contains("already running flows from"), "{error}");
        assert!(error.contains("flowguard daemon, pid"), "{error}");

        drop(first);
        ExecutorLock::acquire(&database, "Flowguard app")
            .expect("free again after the first stops");
    }
}
