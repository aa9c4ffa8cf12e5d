//! Runs and step runs, and the "processed" records that make triggers fire once.
//!
//! A run created for an alert is written in the same transaction as the `processed_alerts` row
//! for (flow, alert); a second attempt finds the row and creates nothing. Schedule ticks work the
//! same way with `schedule_ticks`. Each write commits before it returns: the engine calls these
//! before and after every side effect.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use flowguard_model::RunSource;

use crate::{Store, StoreError, now};

/// A run to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    pub flow_id: String,
    pub flow_version: i64,
    /// The flow's trigger kind: `alert_created`, `schedule` or `manual`.
    pub trigger_kind: String,
    /// Why the run exists (Run now, the alert poller, the scheduler, run again, a backlog).
    pub source: RunSource,
    /// The trigger's outputs (`trigger.*`).
    pub trigger_payload: Value,
    pub dry_run: bool,
    /// The run this one runs again, if any.
    pub rerun_of: Option<String>,
}

/// A run with its step runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: String,
    pub flow_id: String,
    pub flow_version: i64,
    pub trigger_kind: String,
    pub source: RunSource,
    pub trigger_payload: Value,
    pub dry_run: bool,
    pub status: String,
    pub reason: Option<String>,
    pub rerun_of: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub steps: Vec<StepRunRow>,
}

/// One step's record within a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRunRow {
    pub step_id: String,
    pub status: String,
    pub attempts: i64,
    pub input: Option<Value>,
    pub output: Option<Value>,
    /// The error as the engine recorded it (code, message, retryable, …).
    pub error: Option<Value>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// One line of a run list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: String,
    pub flow_id: String,
    pub flow_version: i64,
    pub status: String,
    pub trigger_kind: String,
    pub source: RunSource,
    pub dry_run: bool,
    pub reason: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// The alert that triggered the run (`trigger.alertId`), when there is one.
    pub alert_id: Option<String>,
    /// The flow's name now; `None` when the flow was deleted (its runs stay).
    pub flow_name: Option<String>,
    /// The alert's title (`trigger.title`) and machine (`trigger.alert.computerDnsName`).
    pub alert_title: Option<String>,
    pub machine_name: Option<String>,
}

/// Which runs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// One flow's runs; `None` for every flow (the activity feed).
    pub flow_id: Option<String>,
    pub status: Option<String>,
    pub limit: Option<usize>,
    /// Only runs older than this run (by creation, then id): the next page.
    pub before: Option<String>,
}

fn new_run_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn insert_run(tx: &rusqlite::Transaction<'_>, run: &NewRun) -> Result<String, StoreError> {
    let id = new_run_id();
    tx.execute(
        "INSERT INTO runs (id, flow_id, flow_version, trigger_kind, source, trigger_payload, dry_run, status, rerun_of, created_at)
         VALUES (?1, ?2, ?3, ?4, ?9, ?5, ?6, 'queued', ?7, ?8)",
        params![
            id,
            run.flow_id,
            run.flow_version,
            run.trigger_kind,
            serde_json::to_string(&run.trigger_payload)?,
            run.dry_run,
            run.rerun_of,
            now(),
            run.source.as_str()
        ],
    )?;
    Ok(id)
}

/// The columns [`summary_row`] reads, in its order.
const SUMMARY_COLUMNS: &str = "runs.id, runs.flow_id, flow_version, status, trigger_kind, dry_run, reason, \
     runs.created_at, started_at, finished_at, CAST(json_extract(trigger_payload, '$.alertId') AS TEXT), \
     runs.source, (SELECT name FROM flows WHERE flows.id = runs.flow_id), \
     CAST(json_extract(trigger_payload, '$.title') AS TEXT), \
     CAST(json_extract(trigger_payload, '$.alert.computerDnsName') AS TEXT)";

fn summary_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: row.get(0)?,
        flow_id: row.get(1)?,
        flow_version: row.get(2)?,
        status: row.get(3)?,
        trigger_kind: row.get(4)?,
        dry_run: row.get(5)?,
        reason: row.get(6)?,
        created_at: row.get(7)?,
        started_at: row.get(8)?,
        finished_at: row.get(9)?,
        alert_id: row.get(10)?,
        source: RunSource::parse(&row.get::<_, String>(11)?),
        flow_name: row.get(12)?,
        alert_title: row.get(13)?,
        machine_name: row.get(14)?,
    })
}

fn parse_json(text: Option<String>) -> Option<Value> {
    text.and_then(|text| serde_json::from_str(&text).ok())
}

impl Store {
    /// Creates a queued run (Run now, a run again).
    pub fn create_run(&self, run: &NewRun) -> Result<String, StoreError> {
        self.transaction(|tx| insert_run(tx, run))
    }

    /// Creates a queued run for an alert and records the alert as processed by the flow, in one
    /// transaction, whether or not it was already: a real Run now on an alert, after which the
    /// flow's trigger never starts that alert again.
    pub fn create_run_marking_alert(
        &self,
        run: &NewRun,
        alert_id: &str,
    ) -> Result<String, StoreError> {
        self.transaction(|tx| {
            let id = insert_run(tx, run)?;
            tx.execute(
                "INSERT OR IGNORE INTO processed_alerts (flow_id, alert_id, run_id, processed_at) VALUES (?1, ?2, ?3, ?4)",
                params![run.flow_id, alert_id, id, now()],
            )?;
            Ok(id)
        })
    }

    /// Which of `alert_ids` this flow has processed already (a run of its trigger, a backlog
    /// run or a real Run now).
    pub fn processed_alerts_among(
        &self,
        flow_id: &str,
        alert_ids: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT alert_id FROM processed_alerts
             WHERE flow_id = ?1 AND alert_id IN (SELECT value FROM json_each(?2))",
        )?;
        let rows = statement
            .query_map(params![flow_id, serde_json::to_string(alert_ids)?], |row| {
                row.get(0)
            })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates a queued run for an alert, unless this alert already started this flow: then
    /// nothing is written and `None` comes back.
    pub fn create_run_for_alert(
        &self,
        run: &NewRun,
        alert_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.transaction(|tx| {
            let seen = tx
                .query_row(
                    "SELECT 1 FROM processed_alerts WHERE flow_id = ?1 AND alert_id = ?2",
                    params![run.flow_id, alert_id],
                    |_| Ok(()),
                )
                .optional()?;
            if seen.is_some() {
                return Ok(None);
            }
            let id = insert_run(tx, run)?;
            tx.execute(
                "INSERT INTO processed_alerts (flow_id, alert_id, run_id, processed_at) VALUES (?1, ?2, ?3, ?4)",
                params![run.flow_id, alert_id, id, now()],
            )?;
            Ok(Some(id))
        })
    }

    /// Records a schedule tick as handled and, when `run` is given, creates its run, in one
    /// transaction. `None` when the tick was already handled.
    pub fn handle_tick(
        &self,
        flow_id: &str,
        tick: &str,
        run: Option<&NewRun>,
    ) -> Result<Option<Option<String>>, StoreError> {
        self.transaction(|tx| {
            let seen = tx
                .query_row(
                    "SELECT 1 FROM schedule_ticks WHERE flow_id = ?1 AND tick = ?2",
                    params![flow_id, tick],
                    |_| Ok(()),
                )
                .optional()?;
            if seen.is_some() {
                return Ok(None);
            }
            let id = run.map(|run| insert_run(tx, run)).transpose()?;
            tx.execute(
                "INSERT INTO schedule_ticks (flow_id, tick, run_id, fired_at) VALUES (?1, ?2, ?3, ?4)",
                params![flow_id, tick, id, now()],
            )?;
            Ok(Some(id))
        })
    }

    /// The last tick handled for a schedule flow.
    pub fn last_tick(&self, flow_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self.connection().query_row(
            "SELECT MAX(tick) FROM schedule_ticks WHERE flow_id = ?1",
            [flow_id],
            |row| row.get(0),
        )?)
    }

    /// How many alerts have started this flow.
    pub fn processed_alert_count(&self, flow_id: &str) -> Result<i64, StoreError> {
        Ok(self.connection().query_row(
            "SELECT COUNT(*) FROM processed_alerts WHERE flow_id = ?1",
            [flow_id],
            |row| row.get(0),
        )?)
    }

    pub fn get_run(&self, run_id: &str) -> Result<RunRow, StoreError> {
        let connection = self.connection();
        let run = connection
            .query_row(
                "SELECT id, flow_id, flow_version, trigger_kind, trigger_payload, dry_run, status, reason, rerun_of,
                        created_at, started_at, finished_at, source
                 FROM runs WHERE id = ?1",
                [run_id],
                |row| {
                    Ok(RunRow {
                        id: row.get(0)?,
                        flow_id: row.get(1)?,
                        flow_version: row.get(2)?,
                        trigger_kind: row.get(3)?,
                        trigger_payload: parse_json(row.get(4)?).unwrap_or(Value::Null),
                        dry_run: row.get(5)?,
                        status: row.get(6)?,
                        reason: row.get(7)?,
                        rerun_of: row.get(8)?,
                        created_at: row.get(9)?,
                        started_at: row.get(10)?,
                        finished_at: row.get(11)?,
                        source: RunSource::parse(&row.get::<_, String>(12)?),
                        steps: Vec::new(),
                    })
                },
            )
            .optional()?;
        let mut run = run.ok_or_else(|| StoreError::RunNotFound(run_id.to_owned()))?;
        let mut statement = connection.prepare(
            "SELECT step_id, status, attempts, input, output, error, started_at, finished_at
             FROM step_runs WHERE run_id = ?1 ORDER BY position, step_id",
        )?;
        let steps = statement.query_map([run_id], |row| {
            Ok(StepRunRow {
                step_id: row.get(0)?,
                status: row.get(1)?,
                attempts: row.get(2)?,
                input: parse_json(row.get(3)?),
                output: parse_json(row.get(4)?),
                error: parse_json(row.get(5)?),
                started_at: row.get(6)?,
                finished_at: row.get(7)?,
            })
        })?;
        run.steps = steps.collect::<Result<_, _>>()?;
        Ok(run)
    }

    /// Runs, newest first (by creation, then id), one flow's or every flow's, a page at a time.
    pub fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM runs
             WHERE (?1 IS NULL OR flow_id = ?1) AND (?2 IS NULL OR status = ?2)
               AND (?4 IS NULL OR (runs.created_at, runs.id) < (SELECT created_at, id FROM runs WHERE id = ?4))
             ORDER BY runs.created_at DESC, runs.id DESC LIMIT ?3"
        ))?;
        let limit = i64::try_from(filter.limit.unwrap_or(1000)).unwrap_or(i64::MAX);
        let rows = statement.query_map(
            params![filter.flow_id, filter.status, limit, filter.before],
            summary_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One run's line (as [`Store::list_runs`] gives it).
    pub fn run_summary(&self, run_id: &str) -> Result<RunSummary, StoreError> {
        let connection = self.connection();
        connection
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS} FROM runs WHERE runs.id = ?1"),
                [run_id],
                summary_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::RunNotFound(run_id.to_owned()))
    }

    /// The background runs (alert, schedule, backlog) created after `after` (RFC 3339), or
    /// all of them, newest first, at most `limit`: what the activity badge counts from.
    pub fn background_runs_since(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM runs
             WHERE source IN ('alert', 'schedule', 'backlog') AND (?1 IS NULL OR runs.created_at > ?1)
             ORDER BY runs.created_at DESC, runs.id DESC LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement.query_map(params![after, limit], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each flow's newest run, in one query (the sidebar's "last run" line).
    pub fn last_run_per_flow(&self) -> Result<Vec<RunSummary>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM flows f JOIN runs ON runs.id = (
                 SELECT id FROM runs WHERE flow_id = f.id ORDER BY created_at DESC, id DESC LIMIT 1)"
        ))?;
        let rows = statement.query_map([], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of runs in one of `statuses`, oldest first (the queue, and recovery at start).
    pub fn run_ids_with_status(
        &self,
        statuses: &[&str],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT id, flow_id FROM runs WHERE status IN (SELECT value FROM json_each(?1)) ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([serde_json::to_string(statuses)?], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn mark_run_started(&self, run_id: &str) -> Result<(), StoreError> {
        self.connection().execute(
            "UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?2) WHERE id = ?1",
            params![run_id, now()],
        )?;
        Ok(())
    }

    pub fn mark_run_finished(
        &self,
        run_id: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.connection().execute(
            "UPDATE runs SET status = ?2, reason = ?3, finished_at = ?4 WHERE id = ?1",
            params![run_id, status, reason, now()],
        )?;
        Ok(())
    }

    /// Records that an attempt of a step starts, with the input it will send. Steps keep the
    /// order they were first recorded in, which is the order they ran.
    pub fn record_step_started(
        &self,
        run_id: &str,
        step_id: &str,
        attempt: i64,
        input: &Value,
    ) -> Result<(), StoreError> {
        self.connection().execute(
            "INSERT INTO step_runs (run_id, step_id, status, attempts, input, started_at, position)
             VALUES (?1, ?2, 'running', ?3, ?4, ?5, (SELECT COUNT(*) FROM step_runs WHERE run_id = ?1))
             ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'running', attempts = ?3, input = ?4,
                 started_at = COALESCE(started_at, ?5), finished_at = NULL, error = NULL, error_code = NULL, error_message = NULL",
            params![run_id, step_id, attempt, serde_json::to_string(input)?, now()],
        )?;
        Ok(())
    }

    /// Records how a step ended. `error` is the engine's error record; its `code` and `message`
    /// are also kept in columns for listing.
    pub fn record_step_finished(
        &self,
        run_id: &str,
        step_id: &str,
        status: &str,
        output: Option<&Value>,
        error: Option<&Value>,
    ) -> Result<(), StoreError> {
        let output = output.map(serde_json::to_string).transpose()?;
        let code = error.and_then(|e| e["code"].as_str()).map(str::to_owned);
        let message = error.and_then(|e| e["message"].as_str()).map(str::to_owned);
        let error = error.map(serde_json::to_string).transpose()?;
        let stamp = now();
        self.connection().execute(
            "INSERT INTO step_runs (run_id, step_id, status, attempts, output, error, error_code, error_message, started_at, finished_at, position)
             VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, NULL, ?8, (SELECT COUNT(*) FROM step_runs WHERE run_id = ?1))
             ON CONFLICT (run_id, step_id) DO UPDATE SET status = ?3, output = ?4, error = ?5, error_code = ?6,
                 error_message = ?7, finished_at = ?8",
            params![run_id, step_id, status, output, error, code, message, stamp],
        )?;
        Ok(())
    }

    /// Copies the given steps' records from one run to another (run again from a failed step
    /// reuses the earlier outputs).
    pub fn copy_step_runs(
        &self,
        from_run: &str,
        to_run: &str,
        step_ids: &[String],
    ) -> Result<(), StoreError> {
        self.transaction(|tx| {
            for step_id in step_ids {
                tx.execute(
                    "INSERT INTO step_runs (run_id, step_id, status, attempts, input, output, error, error_code, error_message, started_at, finished_at, position)
                     SELECT ?2, step_id, status, attempts, input, output, error, error_code, error_message, started_at, finished_at, position
                     FROM step_runs WHERE run_id = ?1 AND step_id = ?3",
                    params![from_run, to_run, step_id],
                )?;
            }
            Ok(())
        })
    }

    /// Deletes finished runs beyond the newest `keep_last` of each flow, and those finished more
    /// than `older_than_days` ago. Returns how many went.
    pub fn prune_runs(
        &self,
        keep_last: usize,
        older_than_days: Option<i64>,
    ) -> Result<usize, StoreError> {
        let keep = i64::try_from(keep_last).unwrap_or(i64::MAX);
        let cutoff = older_than_days.map(|days| {
            (chrono::Utc::now() - chrono::TimeDelta::days(days))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        self.transaction(|tx| {
            let deleted = tx.execute(
                "DELETE FROM runs WHERE status NOT IN ('queued', 'running') AND (
                    id IN (SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (PARTITION BY flow_id ORDER BY created_at DESC, id DESC) AS n FROM runs
                        WHERE status NOT IN ('queued', 'running')
                    ) WHERE n > ?1)
                    OR (?2 IS NOT NULL AND finished_at < ?2))",
                params![keep, cutoff],
            )?;
            Ok(deleted)
        })
    }
}
