//! Send email: one message over the connection the step names (SMTP or Microsoft Graph). An
//! email cannot be looked up afterwards, so one in flight at a crash interrupts its run rather
//! than being sent again.

use serde_json::{Value, json};

use flowguard_email::BodyFormat as WireFormat;
use flowguard_model::kinds::send_email::{BodyFormat, Input, KIND};

use super::{DryRun, InFlight, StepCall, StepKind};
use crate::connectors::{ActionError, BoxFuture, OutgoingEmail};

pub struct Step;

fn email(input: &Input) -> OutgoingEmail {
    OutgoingEmail {
        to: input.to.clone(),
        cc: input.cc.clone(),
        subject: input.subject.clone(),
        body: input.body.clone(),
        format: match input.body_format {
            BodyFormat::Text => WireFormat::Text,
            BodyFormat::Html => WireFormat::Html,
        },
    }
}

impl StepKind for Step {
    const KIND: &'static str = KIND;
    type Input = Input;
    const IN_FLIGHT: InFlight = InFlight::Interrupt(
        "Flowguard stopped while step {step} was sending its email; it may or may not have been \
         sent, so the run was not resumed. Run it again from that step to send it.",
    );

    fn perform<'a>(
        &'a self,
        call: &'a StepCall<'a>,
        input: Input,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            call.mailer
                .send(input.connection.as_str(), &email(&input))
                .await
        })
    }

    fn dry_run(&self, _call: &StepCall<'_>, input: &Input) -> DryRun {
        let email = email(input);
        DryRun::Record(json!({
            "dryRun": true,
            "messageId": "(dry run: not sent)",
            "recipients": email.to.iter().chain(&email.cc).collect::<Vec<_>>(),
            "connection": input.connection.as_str(),
            "email": email,
        }))
    }
}
