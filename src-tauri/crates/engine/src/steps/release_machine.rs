//! Release machine from isolation: `POST /api/machines/{id}/unisolate`, at most once per run
//! step. Its comment ends with the run's marker, so a retry or a resumed run finds the release
//! that already happened instead of releasing twice.

use serde_json::{Value, json};

use flowguard_model::kinds::release_machine::{Input, KIND};

use super::{
    DryRun, InFlight, StepCall, StepKind, comment_with_marker, dry_run_machine_action,
    machine_action_once, require,
};
use crate::connectors::{ActionError, BoxFuture, ReleaseRequest};

pub struct Step;

fn request(call: &StepCall<'_>, input: &Input) -> ReleaseRequest {
    ReleaseRequest {
        machine_id: input.machine_id.clone(),
        comment: comment_with_marker(call, &input.comment),
    }
}

impl StepKind for Step {
    const KIND: &'static str = KIND;
    type Input = Input;
    const IN_FLIGHT: InFlight = InFlight::FindByMarker;

    fn perform<'a>(
        &'a self,
        call: &'a StepCall<'a>,
        input: Input,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            require(call, &input.machine_id, "machine id")?;
            let request = request(call, &input);
            machine_action_once(
                call,
                &request.machine_id,
                "Unisolate",
                call.defender.release(&request),
            )
            .await
        })
    }

    fn dry_run(&self, call: &StepCall<'_>, input: &Input) -> DryRun {
        let request = request(call, input);
        DryRun::Record(dry_run_machine_action(
            &request.machine_id,
            "unisolate",
            &json!({ "Comment": request.comment }),
        ))
    }
}
