//! Runs one run, step by step, recording everything.
//!
//! For each step, in the order of [`crate::graph`]: skip it if no live edge leads to it;
//! otherwise resolve its inputs, record the attempt (committed *before* the side effect), perform
//! it with a timeout, and record the outcome (committed *after*). Retryable failures are retried
//! with backoff; anything else fails the step and the run, and the steps not reached are recorded
//! as skipped.
//!
//! Side effects are guarded against repeats:
//! - Isolation carries a marker, `[flowguard run <run id>]`, at the end of its comment. When an
//!   attempt may already have reached Defender (a retry after a timeout, or a run resumed after a
//!   crash), the executor first looks for an isolation action with that marker on the machine and
//!   reuses it instead of isolating twice.
//! - An email cannot be looked up afterwards. A run found with its email step in flight is
//!   marked interrupted rather than resumed, so a crash never sends the same email twice; the
//!   analyst can run it again from that step.
//!
//! A dry run performs every read but records, instead of sending, the exact request each
//! tenant-changing or outward step would have sent.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use flowguard_model::{Flow, Port, TRIGGER_ID, kinds};

use crate::connectors::{ActionError, Defender, IsolationRequest, Mailer, OutgoingEmail};
use crate::events::{EventBus, RunEvent};
use crate::graph::{GraphEdge, NodeOutcome, StepGraph};
use crate::resolve::{context, resolve_inputs};
use crate::retry::{RetryPolicy, jitter};
use crate::run::{LogError, RunLog, RunState, RunStatus, StepStatus};

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

/// The marker an isolation comment ends with, tying the Defender action to its run.
pub fn isolation_marker(run_id: &str) -> String {
    format!("[flowguard run {run_id}]")
}

/// Runs runs.
#[derive(Clone)]
pub struct Executor {
    log: Arc<dyn RunLog>,
    defender: Arc<dyn Defender>,
    mailer: Arc<dyn Mailer>,
    events: EventBus,
    settings: ExecutorSettings,
}

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
        }
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
        // A step that was in flight when the process stopped: resume only where that is safe.
        for (step_id, record) in &run.steps {
            if record.status == StepStatus::Running
                && run
                    .flow
                    .step(step_id)
                    .is_some_and(|step| step.kind == "send_email")
                && !run.dry_run
            {
                let reason = format!(
                    "Flowguard stopped while step {step_id} was sending its email; it may or may not \
                     have been sent, so the run was not resumed. Run it again from that step to send it."
                );
                self.log.step_finished(
                    run_id,
                    step_id,
                    StepStatus::Failed,
                    None,
                    Some(&ActionError::permanent("interrupted", reason.clone())),
                )?;
                return self.finish(&run, RunStatus::Interrupted, Some(&reason));
            }
        }

        self.log.run_started(run_id)?;
        self.events.publish(RunEvent::RunStarted {
            run_id: run.run_id.clone(),
            flow_id: run.flow_id.clone(),
            dry_run: run.dry_run,
        });

        let graph = match step_graph(&run.flow) {
            Ok(graph) => graph,
            Err(message) => return self.finish(&run, RunStatus::Failed, Some(&message)),
        };

        let mut outcomes: BTreeMap<String, NodeOutcome> = BTreeMap::new();
        let mut outputs: BTreeMap<String, Value> = BTreeMap::new();
        let mut failure: Option<String> = None;

        for step_id in graph.order() {
            let record = run.steps.get(step_id).cloned().unwrap_or_default();
            // Already decided in an earlier life of this run: reuse the outcome.
            match record.status {
                StepStatus::Succeeded => {
                    let output = record.output.clone().unwrap_or(Value::Null);
                    outcomes.insert(
                        step_id.clone(),
                        NodeOutcome::Succeeded {
                            branch: branch_of(&run.flow, step_id, &output),
                        },
                    );
                    outputs.insert(step_id.clone(), output);
                    continue;
                }
                StepStatus::Skipped => {
                    outcomes.insert(step_id.clone(), NodeOutcome::Skipped);
                    continue;
                }
                StepStatus::Failed | StepStatus::Pending | StepStatus::Running => {}
            }
            if failure.is_some() || !graph.should_run(TRIGGER_ID, step_id, &outcomes) {
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
                .run_step(&run, step_id, record.attempts, &outputs, cancel)
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
        step_id: &str,
        earlier_attempts: u32,
        outputs: &BTreeMap<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<StepEnd, LogError> {
        let Some(step) = run.flow.step(step_id) else {
            return Ok(StepEnd::Failed(ActionError::permanent(
                "unknown_step",
                format!("no step {step_id}"),
            )));
        };
        let Some(spec) = kinds::node_kind(&step.kind) else {
            return Ok(StepEnd::Failed(ActionError::permanent(
                "unknown_kind",
                format!("this build cannot run steps of kind {:?}", step.kind),
            )));
        };
        let input = match resolve_inputs(spec, &step.inputs, &context(&run.trigger, outputs)) {
            Ok(input) => input,
            Err(error) => {
                let error = ActionError::permanent("input_error", error.to_string());
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
            // Earlier attempts may have reached the outside world.
            let may_have_happened = attempt > 1;
            let performed = tokio::select! {
                () = cancel.cancelled() => return Ok(StepEnd::Cancelled),
                result = tokio::time::timeout(
                    self.settings.step_timeout,
                    self.perform(run, &step.kind, &input, may_have_happened),
                ) => result.unwrap_or_else(|_| Err(ActionError::retryable(
                    "timeout",
                    format!("the step took longer than {:?}", self.settings.step_timeout),
                ))),
            };
            match performed {
                Ok((output, branch)) => return Ok(StepEnd::Succeeded { output, branch }),
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

    /// What each step kind does. Adding a kind: one arm here (see the crate README).
    async fn perform(
        &self,
        run: &RunState,
        kind: &str,
        input: &Map<String, Value>,
        may_have_happened: bool,
    ) -> Result<(Value, Option<bool>), ActionError> {
        let text = |name: &str| {
            input
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        match kind {
            "get_alert" => {
                let alert_id = text("alertId");
                if alert_id.is_empty() {
                    return Err(ActionError::permanent(
                        "input_error",
                        "the alert id is empty",
                    ));
                }
                // The trigger has just fetched this alert: reuse it instead of a second call.
                let from_trigger = run
                    .trigger
                    .get("alert")
                    .filter(|alert| alert["id"] == alert_id.as_str());
                let (mut alert, source) = match from_trigger {
                    Some(alert) => (alert.clone(), "trigger"),
                    None => (self.defender.get_alert(&alert_id).await?, "api"),
                };
                if let Value::Object(fields) = &mut alert {
                    fields.insert("retrievedFrom".to_owned(), Value::String(source.to_owned()));
                }
                Ok((alert, None))
            }
            "condition" => {
                let result = truthy(input.get("expression").unwrap_or(&Value::Null));
                Ok((json!({ "result": result }), Some(result)))
            }
            "isolate_machine" => {
                let marker = isolation_marker(&run.run_id);
                let comment = text("comment");
                let request = IsolationRequest {
                    machine_id: text("machineId"),
                    isolation_type: text("isolationType"),
                    comment: if comment.is_empty() {
                        marker.clone()
                    } else {
                        format!("{comment} {marker}")
                    },
                };
                if request.machine_id.is_empty() {
                    return Err(ActionError::permanent(
                        "input_error",
                        "the machine id is empty",
                    ));
                }
                if run.dry_run {
                    return Ok((dry_run_isolation(&request), None));
                }
                if may_have_happened
                    && let Some(action) = self.find_isolation(&request.machine_id, &marker).await?
                {
                    return Ok((isolation_output(&request, action, true), None));
                }
                match self.defender.isolate(&request).await {
                    Ok(action) => Ok((isolation_output(&request, action, false), None)),
                    Err(error) if error.code == "ActionAlreadyInProgress" => {
                        // Ours (an earlier attempt got through after all) or someone else's: either
                        // way the machine is being isolated, which is what this step is for.
                        match self.find_isolation(&request.machine_id, &marker).await? {
                            Some(action) => Ok((isolation_output(&request, action, true), None)),
                            None => Ok((
                                json!({
                                    "actionId": "",
                                    "status": "AlreadyInProgress",
                                    "machineId": request.machine_id,
                                    "message": error.message,
                                }),
                                None,
                            )),
                        }
                    }
                    Err(error) => Err(error),
                }
            }
            "send_email" => {
                let list = |name: &str| -> Vec<String> {
                    input
                        .get(name)
                        .and_then(Value::as_array)
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let format = if text("bodyFormat") == "html" {
                    flowguard_email::BodyFormat::Html
                } else {
                    flowguard_email::BodyFormat::Text
                };
                let email = OutgoingEmail {
                    to: list("to"),
                    cc: list("cc"),
                    subject: text("subject"),
                    body: text("body"),
                    format,
                };
                let connection = Some(text("connection"))
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "smtp".to_owned());
                if run.dry_run {
                    return Ok((
                        json!({
                            "dryRun": true,
                            "messageId": "(dry run: not sent)",
                            "recipients": email.to.iter().chain(&email.cc).collect::<Vec<_>>(),
                            "connection": connection,
                            "email": email,
                        }),
                        None,
                    ));
                }
                Ok((self.mailer.send(&connection, &email).await?, None))
            }
            other => Err(ActionError::permanent(
                "unknown_kind",
                format!("this build cannot run steps of kind {other:?}"),
            )),
        }
    }

    async fn find_isolation(
        &self,
        machine_id: &str,
        marker: &str,
    ) -> Result<Option<Value>, ActionError> {
        let actions = self.defender.isolation_actions(machine_id).await?;
        Ok(actions.into_iter().find(|action| {
            action["requestorComment"]
                .as_str()
                .is_some_and(|comment| comment.contains(marker))
                && action["status"].as_str().is_none_or(|status| {
                    !matches!(status, "Failed" | "Cancelled" | "Canceled" | "TimeOut")
                })
        }))
    }
}

/// The isolate step's outputs (`actionId`, `status`, `machineId`) plus the whole action.
fn isolation_output(request: &IsolationRequest, action: Value, reused: bool) -> Value {
    let mut output = json!({
        "actionId": action["id"].as_str().unwrap_or_default(),
        "status": action["status"].as_str().unwrap_or_default(),
        "machineId": action["machineId"].as_str().unwrap_or(&request.machine_id),
        "reusedExistingAction": reused,
    });
    output["action"] = action;
    output
}

fn dry_run_isolation(request: &IsolationRequest) -> Value {
    json!({
        "dryRun": true,
        "actionId": "(dry run: not sent)",
        "status": "DryRun",
        "machineId": request.machine_id,
        "request": {
            "method": "POST",
            "path": format!("/api/machines/{}/isolate", request.machine_id),
            "body": { "Comment": request.comment, "IsolationType": request.isolation_type },
        },
    })
}

/// Jinja truthiness on JSON: false, null, 0, "", [] and {} are false.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
    }
}

/// A condition's branch from its recorded output.
fn branch_of(flow: &Flow, step_id: &str, output: &Value) -> Option<bool> {
    let is_condition = flow
        .step(step_id)
        .is_some_and(|step| step.kind == "condition");
    is_condition.then(|| output["result"].as_bool().unwrap_or(false))
}

/// The flow's steps as the planner sees them.
pub fn step_graph(flow: &Flow) -> Result<StepGraph, String> {
    let steps: Vec<String> = flow.steps.iter().map(|step| step.id.clone()).collect();
    let edges: Vec<GraphEdge> = flow
        .edges
        .iter()
        .map(|edge| GraphEdge {
            from: edge.from.clone(),
            to: edge.to.clone(),
            port: edge.port.map(|port| port == Port::True),
        })
        .collect();
    StepGraph::new(TRIGGER_ID, &steps, &edges).map_err(|error| error.to_string())
}
