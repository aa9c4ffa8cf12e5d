//! Schedule: the trigger that starts a run on a cron schedule in a time zone.

use serde::Deserialize;
use serde_json::json;

use super::{Category, FieldType, NodeKindSpec, ValueType, enum_field, field, kind, output};

pub const KIND: &str = "schedule";
pub const PALETTE_RANK: u16 = 20;

/// What to do about ticks missed while nothing was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedTicks {
    /// Run once on start for every missed tick together.
    RunOnce,
    Skip,
}

impl MissedTicks {
    pub const VALUES: [&str; 2] = ["run_once", "skip"];
}

/// The trigger's inputs (defaults filled from the spec).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    pub cron: String,
    /// An IANA time zone such as `Europe/Paris`.
    pub time_zone: String,
    pub missed_ticks: MissedTicks,
}

pub fn spec() -> NodeKindSpec {
    let mut cron = field(
        "cron",
        "Cron expression",
        FieldType::Cron,
        true,
        "When to run, e.g. `0 8 * * 1-5` for 08:00 on weekdays.",
    );
    cron.default = json!("0 8 * * *");
    let mut time_zone = field(
        "timeZone",
        "Time zone",
        FieldType::Timezone,
        true,
        "The IANA time zone the cron expression is read in, e.g. Europe/Paris.",
    );
    time_zone.default = json!("UTC");
    kind(
        KIND,
        "Schedule",
        "Starts a run on a cron schedule.",
        Category::Trigger,
        false,
        vec![
            cron,
            time_zone,
            enum_field(
                "missedTicks",
                "Missed runs",
                &MissedTicks::VALUES,
                "run_once",
                "When the app was not running at a scheduled time: run once on start, or skip.",
            ),
        ],
        vec![
            output(
                "scheduledTime",
                "Scheduled time",
                ValueType::Datetime,
                "The tick this run is for (UTC).",
                json!("2026-11-25T08:00:00Z"),
            ),
            output(
                "firedTime",
                "Fired time",
                ValueType::Datetime,
                "When the run actually started (UTC).",
                json!("2026-11-25T08:00:01Z"),
            ),
        ],
        &[],
    )
    .look("clock", "{cron} ({timeZone})")
}
