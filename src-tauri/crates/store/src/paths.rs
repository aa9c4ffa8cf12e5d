//! Where Flowguard keeps its files.
//!
//! The desktop app, the CLI and the daemon must agree on one database by default, so the answer
//! lives here rather than in Tauri's path resolver. `FLOWGUARD_DATA_DIR` moves the whole folder
//! (tests and portable installs use it); `--db`/`FLOWGUARD_DB` move only the database and are
//! handled by the callers.

use std::path::PathBuf;

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "FLOWGUARD_DATA_DIR";

/// The database's file name inside the data folder.
pub const DATABASE_FILE_NAME: &str = "flowguard.db";

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("cannot find a home folder for Flowguard's data; set {DATA_DIR_ENV} to choose one")]
    NoHomeFolder,
}

/// The folder holding the database and the logs: `FLOWGUARD_DATA_DIR`, or the OS data folder
/// (`~/.local/share/flowguard` on Linux, `~/Library/Application Support/dev.flowguard.Flowguard`
/// on macOS, `%APPDATA%\flowguard\Flowguard\data` on Windows).
pub fn data_directory() -> Result<PathBuf, PathError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "flowguard", "Flowguard")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(PathError::NoHomeFolder)
}

/// The default database file.
pub fn default_database_path() -> Result<PathBuf, PathError> {
    Ok(data_directory()?.join(DATABASE_FILE_NAME))
}

/// The folder of the rolling log files.
pub fn log_directory() -> Result<PathBuf, PathError> {
    Ok(data_directory()?.join("logs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_and_logs_live_in_the_data_folder() {
        let data = data_directory().unwrap();
        assert_eq!(default_database_path().unwrap(), data.join("flowguard.db"));
        assert_eq!(log_directory().unwrap(), data.join("logs"));
    }
}
