//! The store's typed errors.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a Flowguard database (it is not a SQLite file); it was left untouched")]
    NotADatabase { path: String },
    #[error(
        "the database {path} is damaged ({detail}); it was left untouched. Restore a backup or move it away"
    )]
    Corrupt { path: String, detail: String },
    #[error(
        "the database {path} was written by a newer Flowguard (schema {found}, this build knows up to {known}); \
         it was left untouched. Update Flowguard to open it"
    )]
    NewerVersion {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("cannot back up {path} before migrating it: {source}")]
    Backup {
        path: String,
        source: rusqlite::Error,
    },
    #[error("SQLite failed on {path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the database failed: {0}")]
    Query(#[from] rusqlite::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("there is no flow {0}")]
    FlowNotFound(String),
    #[error("flow {flow_id} has no version {version}")]
    VersionNotFound { flow_id: String, version: i64 },
    #[error("there is no run {0}")]
    RunNotFound(String),
    #[error("flow {flow_id} cannot be {action} until its {count} problem(s) are fixed: {summary}")]
    HasErrors {
        flow_id: String,
        /// What was refused: `published` or `enabled`.
        action: &'static str,
        count: usize,
        /// Every error in plain words, each naming its step by title.
        summary: String,
        diagnostics: Vec<flowguard_model::Diagnostic>,
    },
    #[error("flow {0} has no published version yet: publish it first, then switch it on")]
    NotPublished(String),
    #[error("a flow with id {0} already exists")]
    FlowExists(String),
    #[error(
        "connection settings must not contain secrets (field {field}); secrets go to the OS keychain"
    )]
    SecretInConnection { field: String },
    #[error("the {kind} connection settings are not valid: {detail}")]
    InvalidConnection { kind: String, detail: String },
}
