//! The executor with in-memory parts: a run log, a Defender and a mailer that only remember.
//! The integration tests in `tests/` run the same paths against SQLite, the emulator and SMTP.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::connectors::{
    ActionError, BoxFuture, Defender, IsolationRequest, Mailer, OutgoingEmail, ReleaseRequest,
};
use crate::events::EventBus;
use crate::executor::{Executor, ExecutorSettings, interrupting};
use crate::retry::RetryPolicy;
use crate::run::{LogError, MemoryRunLog, RunLog, RunState, RunStatus, StepRecord, StepStatus};
use crate::steps::{self, StepCall, run_marker as isolation_marker};

#[derive(Default)]
struct FakeDefender {
    alerts: BTreeMap<String, Value>,
    actions: Mutex<Vec<Value>>,
    isolate_calls: Mutex<Vec<IsolationRequest>>,
    get_alert_calls: Mutex<u32>,
    /// Errors the next isolate calls return, in order.
    isolate_errors: Mutex<Vec<ActionError>>,
}

impl Defender for FakeDefender {
    fn get_alert<'a>(&'a self, alert_id: &'a str) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            *self.get_alert_calls.lock().unwrap() += 1;
            self.alerts.get(alert_id).cloned().ok_or_else(|| {
                ActionError::permanent(
                    "ResourceNotFound",
                    format!("Alert {alert_id} was not found"),
                )
            })
        })
    }

    fn alerts_created_since<'a>(
        &'a self,
        _since: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>> {
        Box::pin(async move { Ok(self.alerts.values().cloned().collect()) })
    }

    fn machine_actions<'a>(
        &'a self,
        machine_id: &'a str,
        action_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Value>, ActionError>> {
        Box::pin(async move {
            Ok(self
                .actions
                .lock()
                .unwrap()
                .iter()
                .filter(|a| a["machineId"] == machine_id && a["type"] == action_type)
                .cloned()
                .collect())
        })
    }

    fn isolate<'a>(
        &'a self,
        request: &'a IsolationRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            self.isolate_calls.lock().unwrap().push(request.clone());
            let mut errors = self.isolate_errors.lock().unwrap();
            if !errors.is_empty() {
                return Err(errors.remove(0));
            }
            let action = json!({
                "id": format!("action-{}", self.actions.lock().unwrap().len() + 1),
                "type": "Isolate",
                "status": "Pending",
                "machineId": request.machine_id,
                "requestorComment": request.comment,
            });
            self.actions.lock().unwrap().push(action.clone());
            Ok(action)
        })
    }

    fn release<'a>(
        &'a self,
        request: &'a ReleaseRequest,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let action = json!({
                "id": format!("action-{}", self.actions.lock().unwrap().len() + 1),
                "type": "Unisolate",
                "status": "Pending",
                "machineId": request.machine_id,
                "requestorComment": request.comment,
            });
            self.actions.lock().unwrap().push(action.clone());
            Ok(action)
        })
    }
}

#[derive(Default)]
struct FakeMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
}

impl Mailer for FakeMailer {
    fn send<'a>(
        &'a self,
        _connection: &'a str,
        email: &'a OutgoingEmail,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            self.sent.lock().unwrap().push(email.clone());
            Ok(json!({ "messageId": "<1@test>", "recipients": email.to }))
        })
    }
}

fn alert(severity: &str) -> Value {
    json!({
        "id": "da1", "title": "Ransomware behaviour", "severity": severity,
        "machineId": "m1", "computerDnsName": "pc-7.contoso.com",
    })
}

/// The memory run log, also keeping every call in order: the run's history as the executor
/// wrote it, which the scenarios snapshot.
#[derive(Default)]
struct JournalLog {
    runs: MemoryRunLog,
    journal: Mutex<Vec<Value>>,
}

impl JournalLog {
    fn note(&self, entry: Value) {
        self.journal.lock().unwrap().push(entry);
    }

    fn insert(&self, state: RunState) {
        self.runs.insert(state);
    }

    fn reason(&self, run_id: &str) -> Option<String> {
        self.runs.reason(run_id)
    }

    /// Every call for the run, then its final record.
    fn history(&self, run_id: &str) -> Value {
        let calls: Vec<Value> = self
            .journal
            .lock()
            .unwrap()
            .iter()
            .filter(|entry| entry["run"] == run_id)
            .cloned()
            .collect();
        let run = self.runs.load(run_id).unwrap();
        json!({
            "calls": calls,
            "status": run.status,
            "reason": self.runs.reason(run_id),
            "steps": run.steps,
        })
    }
}

impl RunLog for JournalLog {
    fn load(&self, run_id: &str) -> Result<RunState, LogError> {
        self.runs.load(run_id)
    }

    fn run_started(&self, run_id: &str) -> Result<(), LogError> {
        self.note(json!({ "run": run_id, "call": "run_started" }));
        self.runs.run_started(run_id)
    }

    fn step_started(
        &self,
        run_id: &str,
        step_id: &str,
        attempt: u32,
        input: &Value,
    ) -> Result<(), LogError> {
        self.note(json!({
            "run": run_id, "call": "step_started", "step": step_id, "attempt": attempt, "input": input,
        }));
        self.runs.step_started(run_id, step_id, attempt, input)
    }

    fn step_finished(
        &self,
        run_id: &str,
        step_id: &str,
        status: StepStatus,
        output: Option<&Value>,
        error: Option<&ActionError>,
    ) -> Result<(), LogError> {
        self.note(json!({
            "run": run_id, "call": "step_finished", "step": step_id, "status": status,
            "output": output, "error": error,
        }));
        self.runs
            .step_finished(run_id, step_id, status, output, error)
    }

    fn run_finished(
        &self,
        run_id: &str,
        status: RunStatus,
        reason: Option<&str>,
    ) -> Result<(), LogError> {
        self.note(
            json!({ "run": run_id, "call": "run_finished", "status": status, "reason": reason }),
        );
        self.runs.run_finished(run_id, status, reason)
    }
}

struct Harness {
    log: Arc<JournalLog>,
    defender: Arc<FakeDefender>,
    mailer: Arc<FakeMailer>,
    executor: Executor,
}

fn harness(defender: FakeDefender) -> Harness {
    let log = Arc::new(JournalLog::default());
    let defender = Arc::new(defender);
    let mailer = Arc::new(FakeMailer::default());
    let settings = ExecutorSettings {
        retry: RetryPolicy::fast(4),
        step_timeout: std::time::Duration::from_secs(5),
    };
    let executor = Executor::new(
        log.clone(),
        defender.clone(),
        mailer.clone(),
        EventBus::new(),
        settings,
    );
    Harness {
        log,
        defender,
        mailer,
        executor,
    }
}

fn seed_run(run_id: &str, severity: &str, dry_run: bool) -> RunState {
    let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    // Send both emails to a fixed address.
    for step in &mut flow.steps {
        if step.kind == "send_email" {
            step.inputs.insert("to".into(), json!("soc@contoso.com"));
        }
    }
    RunState {
        run_id: run_id.into(),
        flow_id: flow.id.clone(),
        flow,
        trigger: json!({ "alertId": "da1", "machineId": "m1", "severity": severity, "title": "Ransomware behaviour", "alert": alert(severity) }),
        dry_run,
        status: RunStatus::Queued,
        steps: BTreeMap::new(),
    }
}

fn status_of(log: &JournalLog, run_id: &str, step: &str) -> StepStatus {
    log.load(run_id).unwrap().steps[step].status
}

#[tokio::test]
async fn a_high_alert_isolates_and_emails_reusing_the_triggers_alert() {
    let h = harness(FakeDefender::default());
    h.log.insert(seed_run("r1", "High", false));
    let status = h
        .executor
        .execute("r1", &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(status, RunStatus::Succeeded, "{:?}", h.log.reason("r1"));

    let run = h.log.load("r1").unwrap();
    assert_eq!(
        run.steps["get_alert"].output.as_ref().unwrap()["retrievedFrom"],
        "trigger"
    );
    assert_eq!(
        *h.defender.get_alert_calls.lock().unwrap(),
        0,
        "no second API call for the alert"
    );
    assert_eq!(run.steps["is_high"].output, Some(json!({ "result": true })));
    let calls = h.defender.isolate_calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0].comment.ends_with(&isolation_marker("r1")),
        "{}",
        calls[0].comment
    );
    assert!(calls[0].comment.contains("da1"), "{}", calls[0].comment);
    assert_eq!(status_of(&h.log, "r1", "email_soc"), StepStatus::Succeeded);
    assert_eq!(status_of(&h.log, "r1", "email_review"), StepStatus::Skipped);
    assert_eq!(h.mailer.sent.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_medium_alert_takes_the_false_branch_and_skips_isolation() {
    let h = harness(FakeDefender::default());
    h.log.insert(seed_run("r2", "Medium", false));
    assert_eq!(
        h.executor
            .execute("r2", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Succeeded
    );
    assert_eq!(
        h.log.load("r2").unwrap().steps["is_high"].output,
        Some(json!({ "result": false }))
    );
    assert_eq!(status_of(&h.log, "r2", "isolate"), StepStatus::Skipped);
    assert_eq!(status_of(&h.log, "r2", "email_soc"), StepStatus::Skipped);
    assert_eq!(
        status_of(&h.log, "r2", "email_review"),
        StepStatus::Succeeded
    );
    assert!(h.defender.isolate_calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn retryable_errors_are_retried_and_permanent_ones_fail_at_once() {
    let defender = FakeDefender::default();
    defender.isolate_errors.lock().unwrap().extend([
        ActionError::retryable("TooManyRequests", "slow down"),
        ActionError::retryable("InternalServerError", "oops"),
    ]);
    let h = harness(defender);
    h.log.insert(seed_run("r3", "High", false));
    assert_eq!(
        h.executor
            .execute("r3", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Succeeded
    );
    let run = h.log.load("r3").unwrap();
    assert_eq!(run.steps["isolate"].attempts, 3);
    // The retries checked for the marker before sending again, and found nothing to reuse.
    assert_eq!(
        h.defender.actions.lock().unwrap().len(),
        1,
        "isolated exactly once"
    );
    // Keys sorted: serde_json keeps insertion order when a crate in the build enables
    // `preserve_order` (Tauri does), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("retry_after_429_and_500", h.log.history("r3"));
    });

    let defender = FakeDefender::default();
    defender
        .isolate_errors
        .lock()
        .unwrap()
        .push(ActionError::permanent("InvalidRequestBody", "bad body"));
    let h = harness(defender);
    h.log.insert(seed_run("r4", "High", false));
    assert_eq!(
        h.executor
            .execute("r4", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Failed
    );
    let run = h.log.load("r4").unwrap();
    assert_eq!(run.steps["isolate"].attempts, 1);
    assert_eq!(
        run.steps["isolate"].error.as_ref().unwrap().code,
        "InvalidRequestBody"
    );
    assert_eq!(run.steps["email_soc"].status, StepStatus::Skipped);
    assert!(h.log.reason("r4").unwrap().contains("step isolate failed"));
}

#[tokio::test]
async fn a_resumed_run_reuses_an_isolation_that_already_happened() {
    let h = harness(FakeDefender::default());
    let mut run = seed_run("r5", "High", false);
    run.status = RunStatus::Running;
    run.steps.insert(
        "get_alert".into(),
        StepRecord {
            status: StepStatus::Succeeded,
            attempts: 1,
            input: None,
            output: Some(alert("High")),
            error: None,
        },
    );
    run.steps.insert(
        "is_high".into(),
        StepRecord {
            status: StepStatus::Succeeded,
            attempts: 1,
            input: None,
            output: Some(json!({"result": true})),
            error: None,
        },
    );
    run.steps.insert(
        "isolate".into(),
        StepRecord {
            status: StepStatus::Running,
            attempts: 1,
            input: None,
            output: None,
            error: None,
        },
    );
    h.log.insert(run);
    // The crash happened after Defender accepted the isolation.
    h.defender.actions.lock().unwrap().push(json!({
        "id": "action-9", "type": "Isolate", "status": "InProgress", "machineId": "m1",
        "requestorComment": format!("Isolated by Flowguard {}", isolation_marker("r5")),
    }));
    assert_eq!(
        h.executor
            .execute("r5", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Succeeded
    );
    assert!(
        h.defender.isolate_calls.lock().unwrap().is_empty(),
        "no second isolation"
    );
    let output = h.log.load("r5").unwrap().steps["isolate"]
        .output
        .clone()
        .unwrap();
    assert_eq!(output["actionId"], "action-9");
    assert_eq!(output["reusedExistingAction"], true);
    // Keys sorted: serde_json keeps insertion order when a crate in the build enables
    // `preserve_order` (Tauri does), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("resume_after_a_crash_mid_isolation", h.log.history("r5"));
    });
}

#[tokio::test]
async fn an_email_in_flight_at_a_crash_interrupts_the_run_instead_of_resending() {
    let h = harness(FakeDefender::default());
    let mut run = seed_run("r6", "Medium", false);
    run.status = RunStatus::Running;
    run.steps.insert(
        "email_review".into(),
        StepRecord {
            status: StepStatus::Running,
            attempts: 1,
            input: None,
            output: None,
            error: None,
        },
    );
    h.log.insert(run);
    assert_eq!(
        h.executor
            .execute("r6", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Interrupted
    );
    assert!(h.mailer.sent.lock().unwrap().is_empty());
    assert!(
        h.log
            .reason("r6")
            .unwrap()
            .contains("may or may not have been sent")
    );
    // Keys sorted: serde_json keeps insertion order when a crate in the build enables
    // `preserve_order` (Tauri does), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("email_in_flight_interrupts", h.log.history("r6"));
    });
}

#[tokio::test]
async fn a_dry_run_records_the_requests_without_sending_them() {
    let h = harness(FakeDefender::default());
    h.log.insert(seed_run("r7", "High", true));
    assert_eq!(
        h.executor
            .execute("r7", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Succeeded
    );
    assert!(h.defender.isolate_calls.lock().unwrap().is_empty());
    assert!(h.mailer.sent.lock().unwrap().is_empty());
    let run = h.log.load("r7").unwrap();
    let isolate = run.steps["isolate"].output.clone().unwrap();
    assert_eq!(isolate["dryRun"], true);
    assert_eq!(isolate["request"]["path"], "/api/machines/m1/isolate");
    assert_eq!(isolate["request"]["body"]["IsolationType"], "Full");
    let email = run.steps["email_soc"].output.clone().unwrap();
    assert_eq!(email["email"]["to"], json!(["soc@contoso.com"]));
    assert_eq!(email["recipients"], json!(["soc@contoso.com"]));
    assert!(
        email["email"]["body"]
            .as_str()
            .unwrap()
            .contains("(dry run: not sent)"),
        "the body names the unsent action"
    );
    // Keys sorted: serde_json keeps insertion order when a crate in the build enables
    // `preserve_order` (Tauri does), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("dry_run", h.log.history("r7"));
    });
}

#[tokio::test]
async fn a_missing_alert_fails_with_the_apis_code() {
    let h = harness(FakeDefender::default());
    let mut run = seed_run("r8", "High", false);
    run.trigger = json!({ "alertId": "nope", "machineId": "m1" });
    h.log.insert(run);
    assert_eq!(
        h.executor
            .execute("r8", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Failed
    );
    let run = h.log.load("r8").unwrap();
    assert_eq!(
        run.steps["get_alert"].error.as_ref().unwrap().code,
        "ResourceNotFound"
    );
    assert_eq!(run.steps["is_high"].status, StepStatus::Skipped);
}

/// A registry spec changed for a test, kept for the test's life.
fn spec_that_changes_the_tenant(kind: &str) -> &'static flowguard_model::NodeKindSpec {
    let mut spec = flowguard_model::node_kind(kind).unwrap().clone();
    spec.changes_tenant = true;
    Box::leak(Box::new(spec))
}

fn call<'a>(defender: &'a FakeDefender, mailer: &'a FakeMailer, dry_run: bool) -> StepCall<'a> {
    StepCall {
        run_id: "r9",
        title: "Step under test",
        trigger: &Value::Null,
        dry_run,
        may_have_happened: false,
        defender,
        mailer,
    }
}

#[tokio::test]
async fn a_tenant_changing_kind_without_a_dry_run_is_refused_in_a_dry_run() {
    let defender = FakeDefender {
        alerts: BTreeMap::from([("da1".to_owned(), alert("High"))]),
        ..FakeDefender::default()
    };
    let mailer = FakeMailer::default();
    let executor = steps::for_kind("get_alert").unwrap();
    let input = serde_json::Map::from_iter([("alertId".to_owned(), json!("da1"))]);
    let spec = spec_that_changes_the_tenant("get_alert");
    let error = executor
        .attempt(spec, &call(&defender, &mailer, true), &input)
        .await
        .unwrap_err();
    assert_eq!(error.code, "no_dry_run");
    assert!(error.message.starts_with("Step under test: "), "{error}");
    assert_eq!(
        *defender.get_alert_calls.lock().unwrap(),
        0,
        "nothing was sent"
    );
    // The registry's own spec reads, so a dry run performs it.
    let spec = flowguard_model::node_kind("get_alert").unwrap();
    let output = executor
        .attempt(spec, &call(&defender, &mailer, true), &input)
        .await
        .unwrap();
    assert_eq!(output["retrievedFrom"], "api");
}

#[test]
fn a_tenant_changing_step_that_cannot_be_found_again_is_not_resumed() {
    let plan = flowguard_model::Plan::check(&seed_run("r10", "High", false).flow).unwrap();
    let mut get_alert = plan.step("get_alert").unwrap().clone();
    assert_eq!(interrupting(&get_alert), None, "a read resumes");
    get_alert.spec = spec_that_changes_the_tenant("get_alert");
    assert!(
        interrupting(&get_alert)
            .unwrap()
            .contains("changing the tenant"),
        "a tenant-changing kind that cannot find what it did interrupts"
    );
    assert_eq!(
        interrupting(plan.step("isolate").unwrap()),
        None,
        "found by marker"
    );
    assert!(interrupting(plan.step("email_soc").unwrap()).is_some());
}

#[tokio::test]
async fn an_input_that_does_not_fit_the_kind_names_the_step() {
    let defender = FakeDefender::default();
    let mailer = FakeMailer::default();
    let input = serde_json::Map::from_iter([
        ("machineId".to_owned(), json!("m1")),
        ("isolationType".to_owned(), json!("Partial")),
        ("comment".to_owned(), json!("why")),
    ]);
    let error = steps::for_kind("isolate_machine")
        .unwrap()
        .attempt(
            flowguard_model::node_kind("isolate_machine").unwrap(),
            &call(&defender, &mailer, false),
            &input,
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, "input_error");
    assert!(error.message.starts_with("Step under test: "), "{error}");
    assert!(error.message.contains("Partial"), "{error}");
    assert!(defender.isolate_calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_resumed_run_reuses_a_release_that_already_happened() {
    let h = harness(FakeDefender::default());
    let flow: flowguard_model::Flow =
        serde_json::from_str(include_str!("../tests/fixtures/release-machine.flow.json")).unwrap();
    h.log.insert(RunState {
        run_id: "r11".into(),
        flow_id: flow.id.clone(),
        flow,
        trigger: json!({ "alertId": "da1", "machineId": "m1" }),
        dry_run: false,
        status: RunStatus::Running,
        steps: BTreeMap::from([(
            "release".to_owned(),
            StepRecord {
                status: StepStatus::Running,
                attempts: 1,
                input: None,
                output: None,
                error: None,
            },
        )]),
    });
    // The crash happened after Defender accepted the release; an isolation with the same
    // marker is not a release.
    h.defender.actions.lock().unwrap().extend([
        json!({
            "id": "action-3", "type": "Isolate", "status": "Succeeded", "machineId": "m1",
            "requestorComment": format!("Isolated {}", isolation_marker("r11")),
        }),
        json!({
            "id": "action-4", "type": "Unisolate", "status": "Pending", "machineId": "m1",
            "requestorComment": format!("Released {}", isolation_marker("r11")),
        }),
    ]);
    assert_eq!(
        h.executor
            .execute("r11", &CancellationToken::new())
            .await
            .unwrap(),
        RunStatus::Succeeded
    );
    let output = h.log.load("r11").unwrap().steps["release"]
        .output
        .clone()
        .unwrap();
    assert_eq!(output["actionId"], "action-4");
    assert_eq!(output["reusedExistingAction"], true);
    assert_eq!(
        h.defender.actions.lock().unwrap().len(),
        2,
        "no second release"
    );
}

#[test]
fn a_flow_version_is_planned_once_and_a_changed_one_again() {
    let h = harness(FakeDefender::default());
    let flow = seed_run("r12", "High", false).flow;
    let first = h.executor.plan(&flow).unwrap();
    let copy = seed_run("r13", "High", false).flow;
    let again = h.executor.plan(&copy).unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "the same version is not checked again"
    );
    let mut changed = flow;
    changed.steps[0].title = "Read the alert".into();
    let other = h.executor.plan(&changed).unwrap();
    assert!(!Arc::ptr_eq(&first, &other));
    assert_eq!(other.step("get_alert").unwrap().title, "Read the alert");
    changed.steps[0].inputs.insert("alertId".into(), json!(""));
    let errors = h.executor.plan(&changed).unwrap_err();
    assert_eq!(
        errors[0].code,
        flowguard_model::DiagnosticCode::MissingRequired
    );
}
