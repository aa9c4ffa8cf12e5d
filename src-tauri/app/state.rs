//! What the app knows from the moment it starts: where its database and logs are.

use std::path::PathBuf;
use std::sync::Arc;

use flowguard_store::Store;

/// Options given on the command line (the end-to-end tests point the app at a test database).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LaunchOptions {
    /// `--db PATH` or `--db=PATH`; otherwise `FLOWGUARD_DB`, otherwise the default database.
    pub database: Option<PathBuf>,
}

impl LaunchOptions {
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut options = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if let Some(value) = arg.strip_prefix("--db=") {
                options.database = Some(PathBuf::from(value));
            } else if arg == "--db" {
                let value = args.next().ok_or("--db needs a path")?;
                options.database = Some(PathBuf::from(value));
            }
            // Anything else belongs to the platform (WebDriver, GTK, macOS launch services).
        }
        if options.database.is_none()
            && let Some(value) = std::env::var_os("FLOWGUARD_DB").filter(|v| !v.is_empty())
        {
            options.database = Some(PathBuf::from(value));
        }
        Ok(options)
    }
}

/// State shared by every command.
#[derive(Debug)]
pub struct AppState {
    /// The open database (flows, versions, runs).
    pub store: Arc<Store>,
    pub database_path: PathBuf,
    pub data_directory: PathBuf,
    pub log_directory: PathBuf,
    /// The engine the app hosts (demo emulator or a tenant), started after the window opens.
    pub engine: crate::host::EngineSlot,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Paths(#[from] flowguard_store::paths::PathError),
    #[error("cannot create the folder {path}: {source}")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Store(#[from] flowguard_store::StoreError),
}

impl AppState {
    pub fn new(launch: &LaunchOptions) -> Result<Self, StartError> {
        let data_directory = flowguard_store::paths::data_directory()?;
        let database_path = match &launch.database {
            Some(path) => path.clone(),
            None => flowguard_store::paths::default_database_path()?,
        };
        if let Some(parent) = database_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StartError::CreateFolder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let store = Arc::new(Store::open(&database_path)?);
        Ok(Self {
            store,
            database_path,
            data_directory,
            log_directory: flowguard_store::paths::log_directory()?,
            engine: crate::host::EngineSlot::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> LaunchOptions {
        LaunchOptions::from_args(args.iter().map(|s| (*s).to_owned())).unwrap()
    }

    #[test]
    fn database_from_either_flag_spelling() {
        assert_eq!(
            parse(&["--db=/tmp/a.db"]).database,
            Some(PathBuf::from("/tmp/a.db"))
        );
        assert_eq!(
            parse(&["--db", "/tmp/b.db"]).database,
            Some(PathBuf::from("/tmp/b.db"))
        );
    }

    #[test]
    fn a_dangling_db_flag_is_an_error() {
        assert!(LaunchOptions::from_args(["--db".to_owned()]).is_err());
    }
}
