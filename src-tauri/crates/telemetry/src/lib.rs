//! Tracing set-up shared by the desktop app, the CLI and the daemon.
//!
//! Every process writes human-readable lines to stderr and, when it has a log folder, to a file
//! that rolls over daily (`flowguard.log.YYYY-MM-DD`, the last 14 kept). `RUST_LOG` picks the
//! levels; without it Flowguard's own crates log at `info` and everything else at `warn`.
//! Secrets never reach this layer: the crates that hold them never format them.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "warn,flowguard=info,flowguard_app=info,flowguard_app_lib=info,flowguard_model=info,flowguard_store=info,flowguard_engine=info,flowguard_defender=info,flowguard_emulator=info,flowguard_cli=info";

/// How many daily log files are kept.
pub const KEPT_LOG_FILES: usize = 14;

/// What to set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the rolling log file goes; `None` logs to stderr only.
    pub log_directory: Option<PathBuf>,
    /// The file name prefix, e.g. `flowguard` or `flowguard-daemon`.
    pub file_prefix: &'static str,
}

impl Options {
    /// The CLI logs to stderr only (`RUST_LOG` still applies); long-running commands such as
    /// the daemon ask for a file too.
    pub fn cli() -> Self {
        Self {
            log_directory: None,
            file_prefix: "flowguard-cli",
        }
    }

    /// A process that also keeps a rolling log file in `directory`.
    pub fn with_file(directory: PathBuf, file_prefix: &'static str) -> Self {
        Self {
            log_directory: Some(directory),
            file_prefix,
        }
    }
}

/// Keeps the file writer alive; dropping it flushes the remaining lines.
#[must_use = "dropping the guard stops the file writer"]
pub struct TelemetryGuard {
    _file: Option<WorkerGuard>,
    /// The folder the log file is written to, when there is one.
    pub log_directory: Option<PathBuf>,
}

/// Installs the global subscriber. A second call (tests) keeps the first subscriber and returns a
/// guard without a file writer.
pub fn init(options: Options) -> TelemetryGuard {
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_filter(filter());

    let mut file_guard = None;
    let mut log_directory = None;
    let Options {
        log_directory: wanted_directory,
        file_prefix,
    } = options;
    let file_layer = wanted_directory.and_then(|directory| {
        let appender = match std::fs::create_dir_all(&directory)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                tracing_appender::rolling::Builder::new()
                    .rotation(tracing_appender::rolling::Rotation::DAILY)
                    .filename_prefix(file_prefix)
                    .filename_suffix("log")
                    .max_log_files(KEPT_LOG_FILES)
                    .build(&directory)
                    .map_err(|e| e.to_string())
            }) {
            Ok(appender) => appender,
            Err(error) => {
                eprintln!(
                    "warning: cannot write logs to {}: {error}; logging to stderr only",
                    directory.display()
                );
                return None;
            }
        };
        let (writer, guard) = tracing_appender::non_blocking(appender);
        file_guard = Some(guard);
        log_directory = Some(directory);
        Some(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_target(true)
                .with_filter(filter()),
        )
    });

    let installed = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    if installed.is_err() {
        return TelemetryGuard {
            _file: None,
            log_directory: None,
        };
    }
    TelemetryGuard {
        _file: file_guard,
        log_directory,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_rolling_log_file() {
        let dir = tempfile::tempdir().unwrap();
        let guard = init(Options::with_file(dir.path().to_path_buf(), "test"));
        assert_eq!(guard.log_directory.as_deref(), Some(dir.path()));
        tracing::warn!(answer = 42, "hello from the telemetry test");
        drop(guard);
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "one log file: {files:?}");
        let name = files[0].file_name().into_string().unwrap();
        assert!(
            name.starts_with("test.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(text.contains("hello from the telemetry test"), "{text}");
        assert!(text.contains("answer=42"), "{text}");
    }
}
