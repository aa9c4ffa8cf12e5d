//! Why a run exists: the one list of run sources the store records, the engine writes and the UI
//! shows (History's and the activity feed's "source" column).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a run exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunSource {
    /// Run now (the app's dialog or `flowguard run`).
    Manual,
    /// The alert poller: a new alert matched the flow's trigger.
    Alert,
    /// The scheduler: a schedule tick.
    Schedule,
    /// Run again (from the start or from the failed step).
    Rerun,
    /// Switching on with "also handle these": an alert from while the flow was off.
    Backlog,
}

impl RunSource {
    pub const ALL: [RunSource; 5] = [
        RunSource::Manual,
        RunSource::Alert,
        RunSource::Schedule,
        RunSource::Rerun,
        RunSource::Backlog,
    ];

    /// The name stored in the database and shown by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            RunSource::Manual => "manual",
            RunSource::Alert => "alert",
            RunSource::Schedule => "schedule",
            RunSource::Rerun => "rerun",
            RunSource::Backlog => "backlog",
        }
    }

    /// The source stored as `name` (an unknown name reads as `manual`).
    pub fn parse(name: &str) -> RunSource {
        RunSource::ALL
            .into_iter()
            .find(|source| source.as_str() == name)
            .unwrap_or(RunSource::Manual)
    }

    /// Whether the engine started it on its own (a trigger or a backlog the user asked for),
    /// rather than a person with Run now or Run again.
    pub fn is_background(self) -> bool {
        matches!(
            self,
            RunSource::Alert | RunSource::Schedule | RunSource::Backlog
        )
    }
}

impl std::fmt::Display for RunSource {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_round_trips_through_its_name() {
        for source in RunSource::ALL {
            assert_eq!(RunSource::parse(source.as_str()), source);
            assert_eq!(
                serde_json::to_value(source).unwrap(),
                serde_json::Value::String(source.as_str().to_owned())
            );
        }
        assert_eq!(RunSource::parse("alert_created"), RunSource::Manual);
        assert!(RunSource::Backlog.is_background());
        assert!(!RunSource::Manual.is_background());
    }
}
