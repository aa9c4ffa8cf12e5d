//! Runs one run, step by step, recording everything.
//!
//! The run's flow version is checked into a [`Plan`] once per version (its errors fail the run,
//! each named; [`Executor::plan`] keeps the plans of the versions run lately).
//! For each step, in the plan's order: skip it if no live edge leads to it (see
//! [`crate::graph`]); otherwise resolve its inputs, record the attempt (committed *before* the
//! side effect), ask its step kind ([`crate::steps`]) to perform it with a timeout, and record
//! the outcome (committed *after*). Retryable failures are retried with backoff; anything else
//! fails the step and the run, and the steps not reached are recorded as skipped.
//!
//! Side effects are guarded against repeats, by what each kind declares:
//! - A kind that can find what an earlier attempt did ([`InFlight::FindByMarker`]: machine
//!   actions carry the marker `[flowguard run <run id>]` in their comment) is told, on a retry
//!   or a resumed run, that the attempt may already have happened, and reuses it.
//! - A kind whose effect cannot be looked up ([`InFlight::Interrupt`]: an email) found in flight
//!   when a run resumes ends the run interrupted instead of repeating; the analyst can run it
//!   again from that step. A kind whose spec says it changes the tenant is treated so too unless
//!   it finds by marker.
//!
//! A dry run performs every read but records, instead of sending, the exact request each
//! tenant-changing or outward step would have sent; a tenant-changing kind without a dry run
//! fails rather than being performed.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use flowguard_model::{Diagnostic, Flow, Plan, PlannedStep};

use crate::connectors::{ActionError, Defender, Mailer};
use crate::events::{EventBus, RunEvent};
use crate::graph::{NodeOutcome, should_run};
use crate::resolve::{context, resolve_inputs};
use crate::retry::{RetryPolicy, jitter};
use crate::run::{LogError, RunLog, RunState, RunStatus, StepStatus};
use crate::steps::{self, Executable, InFlight, StepCall};

/// Settings every run shares.
#[derive(Debug, Clone, Copy)]
pub struct ExecutorSettings {
    pub retry: RetryPolicy,
    /// How long one attempt of one step may take.
    pub step_timeout: Duration,
}

impl Default for ExecutorSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            step_timeout: Duration::from_secs(60),
        }
    }
}

/// Runs runs.
#[derive(Clone)]
pub struct Executor {
    log: Arc<dyn RunLog>,
    defender: Arc<dyn Defender>,
    mailer: Arc<dyn Mailer>,
    events: EventBus,
    settings: ExecutorSettings,
    /// The checked plans of the flow versions run lately, newest first: a version is validated
    /// once, not on every run of it.
    plans: Arc<Mutex<PlanCache>>,
}

/// Flow versions and their plans, newest first.
type PlanCache = VecDeque<(Flow, Arc<Plan>)>;

/// How many flow versions' plans an executor keeps.
const PLANS_KEPT: usize = 32;

/// How one step ended.
enum StepEnd {
    Succeeded { output: Value, branch: Option<bool> },
    Failed(ActionError),
    Cancelled,
}

impl Executor {
    pub fn new(
        log: Arc<dyn RunLog>,
        defender: Arc<dyn Defender>,
        mailer: Arc<dyn Mailer>,
        events: EventBus,
        settings: ExecutorSettings,
    ) -> Self {
        Self {
            log,
            defender,
            mailer,
            events,
            settings,
            plans: Arc::default(),
        }
    }

    /// The flow's checked plan ([`Plan::check`]), or every error it has. A flow version this
    /// executor has planned lately is not validated again, so a caller that checks a flow before
    /// queueing a run of it (Run now) costs the run nothing.
    pub fn plan(&self, flow: &Flow) -> Result<Arc<Plan>, Vec<Diagnostic>> {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        let hit = plans.iter().position(|(planned, _)| planned == flow);
        if let Some(entry) = hit.and_then(|index| plans.remove(index)) {
            let plan = entry.1.clone();
            plans.push_front(entry);
            return Ok(plan);
        }
        drop(plans);
        let plan = Arc::new(Plan::check(flow)?);
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        plans.push_front((flow.clone(), plan.clone()));
        plans.truncate(PLANS_KEPT);
        Ok(plan)
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// Runs (or resumes) the run to its end and returns its final status. Only a failure of
    /// the run log itself is an `Err`: every other failure is recorded in the run.
    pub async fn execute(
        &self,
        run_id: &str,
        cancel: &CancellationToken,
    ) -> Result<RunStatus, LogError> {
        let run = self.log.load(run_id)?;
        if run.status.is_finished() {
            return Ok(run.status);
        }
        let plan = match self.plan(&run.flow) {
            Ok(plan) => plan,
            Err(errors) => {
                let problems: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                let reason = format!(
                    "the flow version this run was created with has errors: {}",
                    problems.join("; ")
                );
                return self.finish(&run, RunStatus::Failed, Some(&reason));
            }
        };
        // A step that was in flight when the process stopped: resume only where that is safe.
        if !run.dry_run
            && let Some((step, why)) = plan.steps().iter().find_map(|step| {
                let running = run
                    .steps
                    .get(&step.id)
                    .is_some_and(|record| record.status == StepStatus::Running);
                running
                    .then(|| interrupting(step))
                    .flatten()
                    .map(|why| (step, why))
            })
        {
            let reason = why.replace("{step}", &step.id);
            self.log.step_finished(
                run_id,
                &step.id,
                StepStatus::Failed,
                None,
                Some(&ActionError::permanent("interrupted", reason.clone())),
            )?;
            return self.finish(&run, RunStatus::Interrupted, Some(&reason));
        }

        self.log.run_started(run_id)?;
        self.events.publish(RunEvent::RunStarted {
            run_id: run.run_id.clone(),
            flow_id: run.flow_id.clone(),
            dry_run: run.dry_run,
        });

        let mut outcomes: BTreeMap<String, NodeOutcome> = BTreeMap::new();
        let mut outputs: BTreeMap<String, Value> = BTreeMap::new();
        let mut failure: Option<String> = None;

        for step in plan.steps() {
            let step_id = &step.id;
            let record = run.steps.get(step_id).cloned().unwrap_or_default();
            // Already decided in an earlier life of this run: reuse the outcome.
            match record.status {
                StepStatus::Succeeded => {
                    let output = record.output.clone().unwrap_or(Value::Null);
                    let branch = steps::for_kind(&step.spec.kind)
                        .and_then(|executor| executor.branch(&output));
                    outcomes.insert(step_id.clone(), NodeOutcome::Succeeded { branch });
                    outputs.insert(step_id.clone(), output);
                    continue;
                }
                StepStatus::Skipped => {
                    outcomes.insert(step_id.clone(), NodeOutcome::Skipped);
                    continue;
                }
                StepStatus::Failed | StepStatus::Pending | StepStatus::Running => {}
            }
            if failure.is_some() || !should_run(step, &outcomes) {
                self.log
                    .step_finished(run_id, step_id, StepStatus::Skipped, None, None)?;
                self.events.publish(RunEvent::StepFinished {
                    run_id: run_id.to_owned(),
                    step_id: step_id.clone(),
                    status: StepStatus::Skipped.as_str().to_owned(),
                    duration_ms: 0,
                });
                outcomes.insert(step_id.clone(), NodeOutcome::Skipped);
                continue;
            }
            if cancel.is_cancelled() {
                return self.finish(
                    &run,
                    RunStatus::Cancelled,
                    Some("cancelled before this step"),
                );
            }

            let started = Instant::now();
            let end = self
                .run_step(&run, step, record.attempts, &outputs, cancel)
                .await?;
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            match end {
                StepEnd::Succeeded { output, branch } => {
                    self.log.step_finished(
                        run_id,
                        step_id,
                        StepStatus::Succeeded,
                        Some(&output),
                        None,
                    )?;
                    self.publish_finished(run_id, step_id, StepStatus::Succeeded, duration_ms);
                    outcomes.insert(step_id.clone(), NodeOutcome::Succeeded { branch });
                    outputs.insert(step_id.clone(), output);
                }
                StepEnd::Failed(error) => {
                    self.log.step_finished(
                        run_id,
                        step_id,
                        StepStatus::Failed,
                        None,
                        Some(&error),
                    )?;
                    self.publish_finished(run_id, step_id, StepStatus::Failed, duration_ms);
                    outcomes.insert(step_id.clone(), NodeOutcome::Failed);
                    failure = Some(format!("step {step_id} failed: {error}"));
                }
                StepEnd::Cancelled => {
                    let error = ActionError::permanent(
                        "cancelled",
                        "the run was cancelled during this step",
                    );
                    self.log.step_finished(
                        run_id,
                        step_id,
                        StepStatus::Failed,
                        None,
                        Some(&error),
                    )?;
                    self.publish_finished(run_id, step_id, StepStatus::Failed, duration_ms);
                    return self.finish(
                        &run,
                        RunStatus::Cancelled,
                        Some("cancelled during a step"),
                    );
                }
            }
        }
        match failure {
            Some(reason) => self.finish(&run, RunStatus::Failed, Some(&reason)),
            None => self.finish(&run, RunStatus::Succeeded, None),
        }
    }

    fn publish_finished(&self, run_id: &str, step_id: &str, status: StepStatus, duration_ms: u64) {
        self.events.publish(RunEvent::StepFinished {
            run_id: run_id.to_owned(),
            step_id: step_id.to_owned(),
            status: status.as_str().to_owned(),
            duration_ms,
        });
    }

    fn finish(
        &self,
        run: &RunState,
        status: RunStatus,
        reason: Option<&str>,
    ) -> Result<RunStatus, LogError> {
        self.log.run_finished(&run.run_id, status, reason)?;
        self.events.publish(RunEvent::RunFinished {
            run_id: run.run_id.clone(),
            flow_id: run.flow_id.clone(),
            status: status.as_str().to_owned(),
        });
        Ok(status)
    }

    /// One step, with its retries.
    async fn run_step(
        &self,
        run: &RunState,
        step: &PlannedStep,
        earlier_attempts: u32,
        outputs: &BTreeMap<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<StepEnd, LogError> {
        let step_id = step.id.as_str();
        let Some(executor) = steps::for_kind(&step.spec.kind) else {
            self.log
                .step_started(&run.run_id, step_id, earlier_attempts + 1, &Value::Null)?;
            return Ok(StepEnd::Failed(ActionError::permanent(
                "unknown_kind",
                format!(
                    "{}: this build cannot run steps of kind {:?}",
                    step.title, step.spec.kind
                ),
            )));
        };
        let input = match resolve_inputs(step.spec, &step.inputs, &context(&run.trigger, outputs)) {
            Ok(input) => input,
            Err(error) => {
                let error =
                    ActionError::permanent("input_error", format!("{}: {error}", step.title));
                self.log
                    .step_started(&run.run_id, step_id, earlier_attempts + 1, &Value::Null)?;
                return Ok(StepEnd::Failed(error));
            }
        };
        let input_value = Value::Object(input.clone());
        let policy = self.settings.retry;
        let mut attempt = earlier_attempts;
        loop {
            attempt += 1;
            // A new life of the run gets a full set of attempts.
            let attempt_in_this_life = attempt - earlier_attempts;
            self.log
                .step_started(&run.run_id, step_id, attempt, &input_value)?;
            self.events.publish(RunEvent::StepStarted {
                run_id: run.run_id.clone(),
                step_id: step_id.to_owned(),
                attempt,
            });
            let call = StepCall {
                run_id: &run.run_id,
                title: &step.title,
                trigger: &run.trigger,
                dry_run: run.dry_run,
                // Earlier attempts (in this life or an earlier one) may have reached the
                // outside world.
                may_have_happened: attempt > 1,
                defender: self.defender.as_ref(),
                mailer: self.mailer.as_ref(),
            };
            let performed = tokio::select! {
                () = cancel.cancelled() => return Ok(StepEnd::Cancelled),
                result = tokio::time::timeout(
                    self.settings.step_timeout,
                    executor.attempt(step.spec, &call, &input),
                ) => result.unwrap_or_else(|_| Err(ActionError::retryable(
                    "timeout",
                    format!("the step took longer than {:?}", self.settings.step_timeout),
                ))),
            };
            match performed {
                Ok(output) => {
                    let branch = executor.branch(&output);
                    return Ok(StepEnd::Succeeded { output, branch });
                }
                Err(error) if error.retryable => {
                    let Some(delay) =
                        policy.delay_before(attempt_in_this_life + 1, jitter(), error.retry_after)
                    else {
                        return Ok(StepEnd::Failed(error));
                    };
                    tracing::warn!(run_id = %run.run_id, step_id, attempt, ?delay, %error, "step failed; retrying");
                    self.events.publish(RunEvent::StepRetrying {
                        run_id: run.run_id.clone(),
                        step_id: step_id.to_owned(),
                        attempt,
                        delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error: error.to_string(),
                    });
                    tokio::select! {
                        () = cancel.cancelled() => return Ok(StepEnd::Cancelled),
                        () = tokio::time::sleep(delay) => {}
                    }
                }
                Err(error) => return Ok(StepEnd::Failed(error)),
            }
        }
    }
}

/// Why a step found running when its run resumes must not run again, if it must not (`{step}`
/// stands for its id): its kind interrupts, or its spec changes the tenant and its kind cannot
/// find what it did.
pub(crate) fn interrupting(step: &PlannedStep) -> Option<String> {
    let policy = steps::for_kind(&step.spec.kind).map(Executable::in_flight);
    match policy {
        Some(InFlight::Interrupt(why)) => Some(why.to_owned()),
        Some(InFlight::FindByMarker) => None,
        Some(InFlight::Resume) | None if step.spec.changes_tenant => Some(
            "Flowguard stopped while step {step} was changing the tenant; it may or may not have \
             done so, so the run was not resumed. Run it again from that step to finish it."
                .to_owned(),
        ),
        Some(InFlight::Resume) | None => None,
    }
}
