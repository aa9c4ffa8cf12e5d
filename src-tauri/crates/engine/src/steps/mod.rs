//! How each step kind runs: one file per kind (`steps/<kind>.rs`, named like the model's
//! `kinds/<kind>.rs`), each a [`StepKind`].
//!
//! A kind says how it performs (its typed input → its output JSON), how it dry-runs (the exact
//! request it would send, recorded instead of sent), what happens when it was in flight at a
//! crash ([`InFlight`]), and the branch it takes (a condition's port). The executor keeps what
//! every kind shares — resolving inputs, attempts, retries, timeouts, cancellation, the run log
//! and events — and asks the kind for the rest; it never names a kind. Whether a kind changes
//! the tenant is the model spec's `changes_tenant`, which the executor enforces: such a kind is
//! never performed in a dry run, and never resumed blindly after a crash.
//!
//! The build script lists the files into [`EXECUTORS`]; [`for_kind`] finds one by kind id. The
//! test `every_step_kind_has_an_executor_and_every_executor_a_kind` keeps the registry and the
//! executors equal. See the crate README, "Adding a step kind".

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use flowguard_model::kinds::{NodeKindSpec, typed_input};

use crate::connectors::{ACTION_ALREADY_IN_PROGRESS, ActionError, BoxFuture, Defender, Mailer};

include!(concat!(env!("OUT_DIR"), "/steps.rs"));

/// What the executor does with a step it finds running when a run resumes after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InFlight {
    /// Run it again: it reads or decides, so repeating it is harmless.
    Resume,
    /// Run it again, telling it that an earlier attempt may have got through
    /// ([`StepCall::may_have_happened`]): it first looks for what that attempt did (by the run's
    /// marker) and reuses it.
    FindByMarker,
    /// Do not run it again: what it did cannot be looked up. The run ends interrupted with
    /// this reason (`{step}` stands for the step's id): what may or may not have happened, and
    /// that the analyst can run it again from the step.
    Interrupt(&'static str),
}

/// What a kind does in a dry run.
#[derive(Debug, Clone, PartialEq)]
pub enum DryRun {
    /// Performs as usual: it only reads. Refused for a kind whose spec changes the tenant.
    Perform,
    /// Records this output (the exact request it would have sent) and sends nothing.
    Record(Value),
}

/// What a step's attempt gets besides its input.
pub struct StepCall<'a> {
    pub run_id: &'a str,
    /// The step's display title, for messages.
    pub title: &'a str,
    /// The trigger's outputs (`trigger.*`).
    pub trigger: &'a Value,
    pub dry_run: bool,
    /// An earlier attempt of this step may have reached the outside world: a retry, or a run
    /// resumed after a crash.
    pub may_have_happened: bool,
    pub defender: &'a dyn Defender,
    pub mailer: &'a dyn Mailer,
}

impl StepCall<'_> {
    /// The marker this run writes into what it creates (a machine action's comment).
    pub fn marker(&self) -> String {
        run_marker(self.run_id)
    }

    /// A permanent input error naming the step.
    pub fn input_error(&self, problem: impl std::fmt::Display) -> ActionError {
        ActionError::permanent("input_error", format!("{}: {problem}", self.title))
    }
}

/// The marker `[flowguard run <run id>]` that ties what a run did in Defender to the run.
pub fn run_marker(run_id: &str) -> String {
    format!("[flowguard run {run_id}]")
}

/// One step kind's behaviour. Implemented by a unit struct `Step` in `steps/<kind>.rs`.
pub trait StepKind: Send + Sync + 'static {
    /// The model's kind id (`flowguard_model::kinds::<kind>::KIND`).
    const KIND: &'static str;
    /// The model's typed input (`flowguard_model::kinds::<kind>::Input`).
    type Input: DeserializeOwned + Send + Sync + 'static;
    /// What a crash mid-step means for this kind.
    const IN_FLIGHT: InFlight = InFlight::Resume;

    /// Performs one attempt.
    fn perform<'a>(
        &'a self,
        call: &'a StepCall<'a>,
        input: Self::Input,
    ) -> BoxFuture<'a, Result<Value, ActionError>>;

    /// What a dry run records instead; reads perform as usual.
    fn dry_run(&self, _call: &StepCall<'_>, _input: &Self::Input) -> DryRun {
        DryRun::Perform
    }

    /// The port a finished step leaves by, from its output: `Some(true)`/`Some(false)` for a
    /// kind with ports, `None` for a single output. Also read from a recorded output when a
    /// run resumes.
    fn branch(&self, _output: &Value) -> Option<bool> {
        None
    }
}

/// A [`StepKind`] as the executor holds it: typed input read here, kinds behind one pointer.
pub trait Executable: Send + Sync {
    fn kind(&self) -> &'static str;
    fn in_flight(&self) -> InFlight;
    fn branch(&self, output: &Value) -> Option<bool>;
    /// One attempt: reads the typed input, then records the dry run or performs.
    fn attempt<'a>(
        &'a self,
        spec: &'static NodeKindSpec,
        call: &'a StepCall<'a>,
        input: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<Value, ActionError>>;
}

impl<K: StepKind> Executable for K {
    fn kind(&self) -> &'static str {
        K::KIND
    }

    fn in_flight(&self) -> InFlight {
        K::IN_FLIGHT
    }

    fn branch(&self, output: &Value) -> Option<bool> {
        StepKind::branch(self, output)
    }

    fn attempt<'a>(
        &'a self,
        spec: &'static NodeKindSpec,
        call: &'a StepCall<'a>,
        input: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let input: K::Input = typed_input(spec, input).map_err(|e| call.input_error(e))?;
            if call.dry_run {
                match self.dry_run(call, &input) {
                    DryRun::Record(output) => return Ok(output),
                    DryRun::Perform if spec.changes_tenant => {
                        return Err(ActionError::permanent(
                            "no_dry_run",
                            format!(
                                "{}: this step changes the tenant and cannot be dry-run; nothing was sent",
                                call.title
                            ),
                        ));
                    }
                    DryRun::Perform => {}
                }
            }
            self.perform(call, input).await
        })
    }
}

/// The executor of a kind, if this build has one.
pub fn for_kind(kind: &str) -> Option<&'static dyn Executable> {
    EXECUTORS
        .iter()
        .copied()
        .find(|executor| executor.kind() == kind)
}

/// Every executor, in file-name order.
pub fn all() -> &'static [&'static dyn Executable] {
    EXECUTORS
}

// What the machine-action kinds share (isolate, release, and those to come).

/// A machine action sent at most once per run step. The action's comment carries the run's
/// marker; when an earlier attempt may have got through, the machine's actions of this type are
/// searched for the marker first and a live one is reused. Defender's "Action is already in
/// progress" is not a failure: the action found by the marker is reused, or the output says
/// `AlreadyInProgress` (someone else's action is doing what this step is for). `send` is only
/// awaited when nothing is reused.
pub async fn machine_action_once(
    call: &StepCall<'_>,
    machine_id: &str,
    action_type: &str,
    send: impl Future<Output = Result<Value, ActionError>>,
) -> Result<Value, ActionError> {
    let marker = call.marker();
    if call.may_have_happened
        && let Some(action) = find_by_marker(call, machine_id, action_type, &marker).await?
    {
        return Ok(action_output(machine_id, action, true));
    }
    match send.await {
        Ok(action) => Ok(action_output(machine_id, action, false)),
        Err(error) if error.code == ACTION_ALREADY_IN_PROGRESS => {
            match find_by_marker(call, machine_id, action_type, &marker).await? {
                Some(action) => Ok(action_output(machine_id, action, true)),
                None => Ok(json!({
                    "actionId": "",
                    "status": "AlreadyInProgress",
                    "machineId": machine_id,
                    "message": error.message,
                })),
            }
        }
        Err(error) => Err(error),
    }
}

/// The comment a machine action is sent with: the analyst's, then the run's marker.
pub fn comment_with_marker(call: &StepCall<'_>, comment: &str) -> String {
    let marker = call.marker();
    if comment.trim().is_empty() {
        marker
    } else {
        format!("{} {marker}", comment.trim_end())
    }
}

/// The machine's live (not failed, cancelled or timed out) action of this type whose comment
/// carries the marker.
async fn find_by_marker(
    call: &StepCall<'_>,
    machine_id: &str,
    action_type: &str,
    marker: &str,
) -> Result<Option<Value>, ActionError> {
    let actions = call
        .defender
        .machine_actions(machine_id, action_type)
        .await?;
    Ok(actions.into_iter().find(|action| {
        action["requestorComment"]
            .as_str()
            .is_some_and(|comment| comment.contains(marker))
            && action["status"].as_str().is_none_or(|status| {
                !matches!(status, "Failed" | "Cancelled" | "Canceled" | "TimeOut")
            })
    }))
}

/// A machine-action step's outputs (`actionId`, `status`, `machineId`) plus the whole action
/// and whether it was an earlier attempt's.
fn action_output(machine_id: &str, action: Value, reused: bool) -> Value {
    let mut output = json!({
        "actionId": action["id"].as_str().unwrap_or_default(),
        "status": action["status"].as_str().unwrap_or_default(),
        "machineId": action["machineId"].as_str().unwrap_or(machine_id),
        "reusedExistingAction": reused,
    });
    output["action"] = action;
    output
}

/// A machine action's dry-run output: the exact request (`POST
/// /api/machines/{id}/{action}` with `body`), and the outputs a later step may reference,
/// marked as not sent.
pub fn dry_run_machine_action(machine_id: &str, action: &str, body: &Value) -> Value {
    json!({
        "dryRun": true,
        "actionId": "(dry run: not sent)",
        "status": "DryRun",
        "machineId": machine_id,
        "request": {
            "method": "POST",
            "path": format!("/api/machines/{machine_id}/{action}"),
            "body": body,
        },
    })
}

/// A permanent error for an empty required value after resolution.
pub fn require(call: &StepCall<'_>, value: &str, what: &str) -> Result<(), ActionError> {
    if value.trim().is_empty() {
        return Err(call.input_error(format!("the {what} is empty")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use flowguard_model::kinds::{REGISTRY, node_kind};

    use super::*;

    #[test]
    fn every_step_kind_has_an_executor_and_every_executor_a_kind() {
        let step_kinds: BTreeSet<&str> = REGISTRY
            .iter()
            .filter(|spec| !spec.is_trigger())
            .map(|spec| spec.kind.as_str())
            .collect();
        let executors: BTreeSet<&str> = all().iter().map(|executor| executor.kind()).collect();
        assert_eq!(
            step_kinds.difference(&executors).collect::<Vec<_>>(),
            Vec::<&&str>::new(),
            "registry kinds without an executor (add engine/src/steps/<kind>.rs)"
        );
        assert_eq!(
            executors.difference(&step_kinds).collect::<Vec<_>>(),
            Vec::<&&str>::new(),
            "executors without a registry kind (add model/src/kinds/<kind>.rs)"
        );
        assert_eq!(all().len(), executors.len(), "one executor per kind");
    }

    #[test]
    fn a_tenant_changing_kind_is_never_resumed_blindly() {
        for executor in all() {
            let spec = node_kind(executor.kind()).unwrap();
            if spec.changes_tenant {
                assert_ne!(
                    executor.in_flight(),
                    InFlight::Resume,
                    "{} changes the tenant: find by marker or interrupt",
                    spec.kind
                );
            }
        }
    }

    #[test]
    fn only_kinds_with_ports_branch() {
        for executor in all() {
            let spec = node_kind(executor.kind()).unwrap();
            let branch = executor.branch(&json!({ "result": true }));
            assert_eq!(branch.is_some(), !spec.ports.is_empty(), "{}", spec.kind);
        }
    }

    #[test]
    fn a_marked_comment_ends_with_the_marker() {
        assert_eq!(run_marker("r1"), "[flowguard run r1]");
    }
}
