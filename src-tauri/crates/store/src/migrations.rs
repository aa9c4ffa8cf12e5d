//! The schema: SQL files embedded in the binary, applied in order, tracked in `user_version`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;

/// Every migration, in order; the schema version is their count.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_publish_and_sources.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Checks an existing file without writing to it: a SQLite header, an intact database, and a
/// schema this build knows.
pub(crate) fn check_existing(path: &Path) -> Result<(), StoreError> {
    let display = path.display().to_string();
    let mut header = [0u8; 16];
    let length = {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|source| StoreError::Io {
            path: display.clone(),
            source,
        })?;
        file.read(&mut header).map_err(|source| StoreError::Io {
            path: display.clone(),
            source,
        })?
    };
    if length == 0 {
        return Ok(()); // An empty file is a new database.
    }
    if length < 16 || &header != b"SQLite format 3\0" {
        return Err(StoreError::NotADatabase { path: display });
    }
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|source| {
            StoreError::Sqlite {
                path: display.clone(),
                source,
            }
        })?;
    // Another process may be writing (the app and the CLI share the file): wait for it rather
    // than mistake a busy database for a damaged one.
    connection
        .busy_timeout(crate::BUSY_TIMEOUT)
        .map_err(|source| StoreError::Sqlite {
            path: display.clone(),
            source,
        })?;
    let corrupt = |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Sqlite {
                path: display.clone(),
                source: error,
            }
        }
        _ => StoreError::Corrupt {
            path: display.clone(),
            detail: error.to_string(),
        },
    };
    let check: String = connection
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(corrupt)?;
    if check != "ok" {
        return Err(StoreError::Corrupt {
            path: display,
            detail: check,
        });
    }
    let found: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(corrupt)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerVersion {
            path: display,
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Applies the missing migrations, each in its own transaction, after backing up a database
/// that already holds a schema.
pub(crate) fn migrate(connection: &Connection, path: &Path) -> Result<(), StoreError> {
    migrate_with(connection, path, MIGRATIONS)
}

fn migrate_with(
    connection: &Connection,
    path: &Path,
    migrations: &[&str],
) -> Result<(), StoreError> {
    let known = i64::try_from(migrations.len()).unwrap_or(i64::MAX);
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > known {
        return Err(StoreError::NewerVersion {
            path: path.display().to_string(),
            found,
            known,
        });
    }
    if found == known {
        return Ok(());
    }
    if found > 0 && path != Path::new(":memory:") {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let mut name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(format!(".bak-v{found}-{stamp}"));
        let backup = path.with_file_name(name);
        connection
            .execute("VACUUM INTO ?1", [backup.to_string_lossy()])
            .map_err(|source| StoreError::Backup {
                path: path.display().to_string(),
                source,
            })?;
        tracing::info!(backup = %backup.display(), from = found, to = known, "backed up the database before migrating it");
    }
    for (index, sql) in migrations
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let version = i64::try_from(index + 1).unwrap_or(i64::MAX);
        // Another process (the app and the CLI share the file) may have applied this migration
        // since `found` was read: the version is read again under the write lock.
        let transaction = rusqlite::Transaction::new_unchecked(
            connection,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let applied: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if applied < version {
            transaction.execute_batch(sql)?;
            transaction.pragma_update(None, "user_version", version)?;
        }
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migration_backs_the_database_up_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flowguard.db");
        let first = ["CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept');"];
        let connection = Connection::open(&path).unwrap();
        migrate_with(&connection, &path, &first).unwrap();
        let second = [first[0], "ALTER TABLE notes ADD COLUMN author TEXT;"];
        migrate_with(&connection, &path, &second).unwrap();

        let backups: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|entry| entry.path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("flowguard.db.bak-v1-")
            })
            .collect();
        assert_eq!(backups.len(), 1, "one backup, named after the old version");
        let backup = Connection::open(&backups[0]).unwrap();
        let version: i64 = backup
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 1, "the backup is the database as it was");
        let text: String = backup
            .query_row("SELECT text FROM notes", [], |row| row.get(0))
            .unwrap();
        assert_eq!(text, "kept");
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 2);
    }
}
