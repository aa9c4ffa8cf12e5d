//! The run log on the SQLite store: what the engine records, in the store's tables.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use flowguard_store::Store;

use crate::connectors::ActionError;
use crate::run::{LogError, RunLog, RunState, RunStatus, StepRecord, StepStatus};

/// [`RunLog`] over a [`Store`].
#[derive(Debug, Clone)]
pub struct SqliteRunLog {
    store: Arc<Store>,
}

impl SqliteRunLog {
    pub fn new(store: Arc<Store>) -> Self {
        Self { store }
    }
}

fn log_error(error: impl std::fmt::Display) -> LogError {
    LogError(error.to_string())
}

impl RunLog for SqliteRunLog {
    fn load(&self, run_id: &str) -> Result<RunState, LogError> {
        let row = self.store.get_run(run_id).map_err(log_error)?;
        let flow = self
            .store
            .get_flow_version(&row.flow_id, row.flow_version)
            .map_err(log_error)?;
        let status = RunStatus::parse(&row.status).ok_or_else(|| {
            LogError(format!(
                "run {run_id} has an unknown status {:?}",
                row.status
            ))
        })?;
        let steps: BTreeMap<String, StepRecord> = row
            .steps
            .into_iter()
            .map(|step| {
                let record = StepRecord {
                    status: StepStatus::parse(&step.status).unwrap_or(StepStatus::Pending),
                    attempts: u32::try_from(step.attempts).unwrap_or(0),
                    input: step.input,
                    output: step.output,
                    error: step
                        .error
                        .and_then(|error| serde_json::from_value::<ActionError>(error).ok()),
                };
                (step.step_id, record)
            })
            .collect();
        Ok(RunState {
            run_id: row.id,
            flow_id: row.flow_id,
            flow,
            trigger: row.trigger_payload,
            dry_run: row.dry_run,
            status,
            steps,
        })
    }

    fn run_started(&self, run_id: &str) -> Result<(), LogError> {
        self.store.mark_run_started(run_id).map_err(log_error)
    }

    fn step_started(
        &self,
        run_id: &str,
        step_id: &str,
        attempt: u32,
        input: &Value,
    ) -> Result<(), LogError> {
        self.store
            .record_step_started(run_id, step_id, i64::from(attempt), input)
            .map_err(log_error)
    }

    fn step_finished(
        &self,
        run_id: &str,
        step_id: &str,
        status: StepStatus,
        output: Option<&Value>,
        error: Option<&ActionError>,
    ) -> Result<(), LogError> {
        let error = error
            .map(serde_json::to_value)
            .transpose()
            .map_err(log_error)?;
        self.store
            .record_step_finished(run_id, step_id, status.as_str(), output, error.as_ref())
            .map_err(log_error)
    }

    fn run_finished(
        &self,
        run_id: &str,
        status: RunStatus,
        reason: Option<&str>,
    ) -> Result<(), LogError> {
        self.store
            .mark_run_finished(run_id, status.as_str(), reason)
            .map_err(log_error)
    }
}
