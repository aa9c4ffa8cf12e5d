//! What a run is, as the engine records it, and the small trait it records through.
//!
//! The engine owns run semantics (statuses, what a step run holds); [`RunLog`] is how it
//! persists them. The SQLite implementation lives in [`crate::sqlite`]; unit tests use
//! [`MemoryRunLog`]. Every method commits before it returns, and the executor calls them before
//! and after each side effect, so a crash loses at most the step that was in flight, and the
//! log says which one that was.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use flowguard_model::Flow;

use crate::connectors::ActionError;

/// A run's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// Stopped by a crash or shutdown at a point where resuming could repeat a side effect.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::Cancelled,
            Self::Interrupted,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// A step run's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::Skipped,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// One step's record within a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub status: StepStatus,
    pub attempts: u32,
    pub input: Option<Value>,
    pub output: Option<Value>,
    pub error: Option<ActionError>,
}

impl Default for StepRecord {
    fn default() -> Self {
        Self {
            status: StepStatus::Pending,
            attempts: 0,
            input: None,
            output: None,
            error: None,
        }
    }
}

/// Everything the executor needs to run (or resume) a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunState {
    pub run_id: String,
    pub flow_id: String,
    /// The flow version the run was created with (what it runs, even if the flow changed since).
    pub flow: Flow,
    /// The trigger's outputs: `trigger.*` in templates.
    pub trigger: Value,
    pub dry_run: bool,
    pub status: RunStatus,
    /// Step records by step id; steps not yet reached are absent.
    pub steps: BTreeMap<String, StepRecord>,
}

#[derive(Debug, thiserror::Error)]
#[error("the run log failed: {0}")]
pub struct LogError(pub String);

/// How the engine persists runs. Each call commits before returning.
pub trait RunLog: Send + Sync {
    fn load(&self, run_id: &str) -> Result<RunState, LogError>;
    fn run_started(&self, run_id: &str) -> Result<(), LogError>;
    /// Records that an attempt starts, with the input it will send.
    fn step_started(
        &self,
        run_id: &str,
        step_id: &str,
        attempt: u32,
        input: &Value,
    ) -> Result<(), LogError>;
    fn step_finished(
        &self,
        run_id: &str,
        step_id: &str,
        status: StepStatus,
        output: Option<&Value>,
        error: Option<&ActionError>,
    ) -> Result<(), LogError>;
    fn run_finished(
        &self,
        run_id: &str,
        status: RunStatus,
        reason: Option<&str>,
    ) -> Result<(), LogError>;
}

/// An in-memory run log for unit tests.
#[derive(Debug, Default)]
pub struct MemoryRunLog {
    runs: Mutex<BTreeMap<String, (RunState, Option<String>)>>,
}

impl MemoryRunLog {
    pub fn insert(&self, state: RunState) {
        self.lock().insert(state.run_id.clone(), (state, None));
    }

    /// The run's final reason, if any.
    pub fn reason(&self, run_id: &str) -> Option<String> {
        self.lock()
            .get(run_id)
            .and_then(|(_, reason)| reason.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (RunState, Option<String>)>> {
        self.runs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn with<T>(
        &self,
        run_id: &str,
        change: impl FnOnce(&mut RunState) -> T,
    ) -> Result<T, LogError> {
        let mut runs = self.lock();
        let (state, _) = runs
            .get_mut(run_id)
            .ok_or_else(|| LogError(format!("no run {run_id}")))?;
        Ok(change(state))
    }
}

impl RunLog for MemoryRunLog {
    fn load(&self, run_id: &str) -> Result<RunState, LogError> {
        self.with(run_id, |state| state.clone())
    }

    fn run_started(&self, run_id: &str) -> Result<(), LogError> {
        self.with(run_id, |state| state.status = RunStatus::Running)
    }

    fn step_started(
        &self,
        run_id: &str,
        step_id: &str,
        attempt: u32,
        input: &Value,
    ) -> Result<(), LogError> {
        self.with(run_id, |state| {
            let step = state.steps.entry(step_id.to_owned()).or_default();
            step.status = StepStatus::Running;
            step.attempts = attempt;
            step.input = Some(input.clone());
        })
    }

    fn step_finished(
        &self,
        run_id: &str,
        step_id: &str,
        status: StepStatus,
        output: Option<&Value>,
        error: Option<&ActionError>,
    ) -> Result<(), LogError> {
        self.with(run_id, |state| {
            let step = state.steps.entry(step_id.to_owned()).or_default();
            step.status = status;
            step.output = output.cloned();
            step.error = error.cloned();
        })
    }

    fn run_finished(
        &self,
        run_id: &str,
        status: RunStatus,
        reason: Option<&str>,
    ) -> Result<(), LogError> {
        let mut runs = self.lock();
        let (state, stored_reason) = runs
            .get_mut(run_id)
            .ok_or_else(|| LogError(format!("no run {run_id}")))?;
        state.status = status;
        *stored_reason = reason.map(str::to_owned);
        Ok(())
    }
}
