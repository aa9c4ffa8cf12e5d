//! When a schedule trigger fires.
//!
//! A schedule is a cron expression in an IANA time zone (so "every day at 08:00 Europe/Paris"
//! follows daylight saving time). The scheduler keeps, per flow, the last tick it turned into a
//! run; each decision here is a pure function of that tick, the clock and the flow's setting for
//! ticks missed while nothing was running:
//!
//! - `run_once`: one run for the latest missed tick, at start;
//! - `skip`: no run for missed ticks; the schedule resumes at the next one.
//!
//! A tick that is due now (within [`ON_TIME_GRACE`]) is never "missed". The store records each
//! fired tick with the run in one transaction, so a tick can never fire twice, even when two
//! wake-ups race or the process restarts right after firing.

use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde::{Deserialize, Serialize};

/// How late a tick may be handled and still count as on time (a busy machine, a slow wake-up).
pub const ON_TIME_GRACE: TimeDelta = TimeDelta::seconds(60);

/// What to do with ticks missed while nothing was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedTicks {
    #[default]
    RunOnce,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("invalid cron expression {expression:?}: {message}")]
    Cron { expression: String, message: String },
    #[error("unknown time zone {0:?} (use an IANA name such as Europe/Paris)")]
    TimeZone(String),
}

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    zone: Tz,
}

/// What the scheduler should do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The tick to turn into a run now, if any.
    pub fire: Option<DateTime<Utc>>,
    /// How many due ticks were passed over without a run.
    pub skipped: usize,
    /// The tick to remember as handled (the latest due one, fired or skipped), if any.
    pub handled_up_to: Option<DateTime<Utc>>,
    /// When to look again.
    pub next: Option<DateTime<Utc>>,
}

impl Schedule {
    pub fn parse(expression: &str, time_zone: &str) -> Result<Self, ScheduleError> {
        let cron = Cron::from_str(expression).map_err(|error| ScheduleError::Cron {
            expression: expression.to_owned(),
            message: error.to_string(),
        })?;
        let zone =
            Tz::from_str(time_zone).map_err(|_| ScheduleError::TimeZone(time_zone.to_owned()))?;
        Ok(Self { cron, zone })
    }

    /// The first tick strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.zone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|tick| tick.with_timezone(&Utc))
    }

    /// Decides what to do at `now`, given the last tick handled (`None` for a schedule that
    /// has never run: it starts from `now` and does not fire for the past).
    pub fn decide(
        &self,
        last_handled: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        missed: MissedTicks,
    ) -> Decision {
        let Some(last) = last_handled else {
            return Decision {
                fire: None,
                skipped: 0,
                handled_up_to: Some(now),
                next: self.next_after(now),
            };
        };
        // Walk the due ticks in (last, now]; a long outage has at most one tick a second, and we
        // only need the latest, so cap the walk.
        let mut due = Vec::new();
        let mut cursor = last;
        while let Some(tick) = self.next_after(cursor) {
            if tick > now || due.len() > 100_000 {
                break;
            }
            due.push(tick);
            cursor = tick;
        }
        let next = self.next_after(now);
        let Some(&latest) = due.last() else {
            return Decision {
                fire: None,
                skipped: 0,
                handled_up_to: None,
                next,
            };
        };
        let on_time = now - latest <= ON_TIME_GRACE;
        let fire = on_time || missed == MissedTicks::RunOnce;
        Decision {
            fire: fire.then_some(latest),
            skipped: due.len() - usize::from(fire),
            handled_up_to: Some(latest),
            next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn fires_in_the_right_minute_in_its_time_zone() {
        // 08:00 in Paris is 07:00 UTC in winter.
        let schedule = Schedule::parse("0 8 * * *", "Europe/Paris").unwrap();
        assert_eq!(
            schedule.next_after(at("2026-11-25T06:00:00Z")),
            Some(at("2026-11-25T07:00:00Z"))
        );
        // And 06:00 UTC in summer.
        assert_eq!(
            schedule.next_after(at("2026-07-01T00:00:00Z")),
            Some(at("2026-07-01T06:00:00Z"))
        );

        let decision = schedule.decide(
            Some(at("2026-11-24T07:00:00Z")),
            at("2026-11-25T07:00:20Z"),
            MissedTicks::Skip,
        );
        assert_eq!(
            decision.fire,
            Some(at("2026-11-25T07:00:00Z")),
            "on time, so it fires even with skip"
        );
        assert_eq!(decision.next, Some(at("2026-11-26T07:00:00Z")));
    }

    #[test]
    fn a_new_schedule_does_not_fire_for_the_past() {
        let schedule = Schedule::parse("*/5 * * * *", "UTC").unwrap();
        let decision = schedule.decide(None, at("2026-11-25T10:03:00Z"), MissedTicks::RunOnce);
        assert_eq!(decision.fire, None);
        assert_eq!(decision.next, Some(at("2026-11-25T10:05:00Z")));
    }

    #[test]
    fn missed_ticks_run_once_or_are_skipped() {
        let schedule = Schedule::parse("0 * * * *", "UTC").unwrap();
        let last = Some(at("2026-11-25T01:00:00Z"));
        let now = at("2026-11-25T05:30:00Z");
        let once = schedule.decide(last, now, MissedTicks::RunOnce);
        assert_eq!(once.fire, Some(at("2026-11-25T05:00:00Z")));
        assert_eq!(once.skipped, 3, "02:00, 03:00 and 04:00 pass without a run");
        let skip = schedule.decide(last, now, MissedTicks::Skip);
        assert_eq!(skip.fire, None);
        assert_eq!(skip.skipped, 4);
        assert_eq!(skip.handled_up_to, Some(at("2026-11-25T05:00:00Z")));
    }

    #[test]
    fn a_handled_tick_never_fires_again() {
        let schedule = Schedule::parse("0 * * * *", "UTC").unwrap();
        let first = schedule.decide(
            Some(at("2026-11-25T04:00:00Z")),
            at("2026-11-25T05:00:01Z"),
            MissedTicks::RunOnce,
        );
        assert_eq!(first.fire, Some(at("2026-11-25T05:00:00Z")));
        let again = schedule.decide(
            first.handled_up_to,
            at("2026-11-25T05:00:30Z"),
            MissedTicks::RunOnce,
        );
        assert_eq!(again.fire, None);
    }

    #[test]
    fn bad_expressions_and_zones_are_named() {
        let error = Schedule::parse("61 * * * *", "UTC")
            .unwrap_err()
            .to_string();
        assert!(error.contains("61 * * * *"), "{error}");
        let error = Schedule::parse("0 * * * *", "Mars/Olympus")
            .unwrap_err()
            .to_string();
        assert!(error.contains("Mars/Olympus"), "{error}");
    }
}
