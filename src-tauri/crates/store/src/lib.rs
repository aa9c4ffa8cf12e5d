//! SQLite storage for flows, their versions, runs, step runs, trigger cursors and settings.
//!
//! The desktop app, the CLI and the daemon open the same database file through [`Store`].
//! rusqlite (bundled SQLite), WAL, foreign keys on; the schema is a list of SQL migrations
//! embedded in the binary and tracked with `PRAGMA user_version`. One module per table group.
//!
//! Opening never damages a file it cannot use: a file that is not a SQLite database, a damaged
//! one, or one written by a newer Flowguard is refused with a clear [`StoreError`] and left
//! byte-for-byte untouched. Before a migration changes an existing database, the file is copied
//! next to itself (`flowguard.db.bak-v1-20261125T060000Z`).

pub mod connections;
pub mod cursors;
mod error;
pub mod files;
pub mod flows;
mod migrations;
pub mod paths;
pub mod runs;
pub mod settings;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

pub use error::StoreError;
pub use migrations::SCHEMA_VERSION;
use rusqlite::{Connection, OpenFlags};

/// How long a writer waits for another (the app and the CLI can share the file).
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An open database.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    connection: Mutex<Connection>,
}

/// The current time as stored: RFC 3339 in UTC with milliseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The current time to the nanosecond: for `enabled_at`, which alert creation times (100 ns
/// precision) are compared with, so an alert created just before a switch-on within the same
/// millisecond still counts as before it.
pub(crate) fn precise_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

impl Store {
    /// Opens (creating it if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let display = path.display().to_string();
        if path.exists() {
            migrations::check_existing(path)?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: display.clone(),
                source,
            })?;
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Sqlite {
            path: display.clone(),
            source,
        })?;
        configure(&connection).map_err(|source| StoreError::Sqlite {
            path: display.clone(),
            source,
        })?;
        migrations::migrate(&connection, path)?;
        Ok(Self {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
        })
    }

    /// A private in-memory database, for unit tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let connection = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            source,
        })?;
        configure(&connection).map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            source,
        })?;
        migrations::migrate(&connection, Path::new(":memory:"))?;
        Ok(Self {
            path: PathBuf::from(":memory:"),
            connection: Mutex::new(connection),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in one transaction: all of it is committed, or none.
    pub(crate) fn transaction<T>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut connection = self.connection();
        let transaction = connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = work(&transaction)?;
        transaction.commit().map_err(StoreError::from)?;
        Ok(value)
    }
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}
