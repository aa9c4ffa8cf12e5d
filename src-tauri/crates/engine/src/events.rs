//! Live run events, for the app's run panel and the CLI's step-by-step output.
//!
//! Events are a broadcast: any number of listeners, none of which can slow the engine down. A
//! listener that falls behind loses the oldest events (and is told how many); the database stays
//! the source of truth, so a UI that missed events re-reads the run.

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use ts_rs::TS;

/// How many events a slow listener may lag behind before it loses some.
pub const EVENT_BUFFER: usize = 4096;

/// One thing that happened to a run. This is also the shape the UI receives as the `run-event`
/// event (its TypeScript type, `RunEventView`, is generated from this enum): a `type` tag in
/// snake case and camel-case fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(rename = "RunEventView")]
pub enum RunEvent {
    RunStarted {
        run_id: String,
        flow_id: String,
        dry_run: bool,
    },
    StepStarted {
        run_id: String,
        step_id: String,
        attempt: u32,
    },
    /// A step failed but will be tried again after `delay_ms`.
    StepRetrying {
        run_id: String,
        step_id: String,
        attempt: u32,
        delay_ms: u64,
        error: String,
    },
    StepFinished {
        run_id: String,
        step_id: String,
        status: String,
        duration_ms: u64,
    },
    RunFinished {
        run_id: String,
        flow_id: String,
        status: String,
    },
}

impl RunEvent {
    pub fn run_id(&self) -> &str {
        match self {
            Self::RunStarted { run_id, .. }
            | Self::StepStarted { run_id, .. }
            | Self::StepRetrying { run_id, .. }
            | Self::StepFinished { run_id, .. }
            | Self::RunFinished { run_id, .. } => run_id,
        }
    }
}

/// The sending side, cloned into every part of the engine.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<RunEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    /// Publishes an event; having no listener is fine.
    pub fn publish(&self, event: RunEvent) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_listener_sees_every_event_in_order() {
        let bus = EventBus::new();
        let mut first = bus.subscribe();
        let mut second = bus.subscribe();
        bus.publish(RunEvent::RunStarted {
            run_id: "r1".into(),
            flow_id: "f".into(),
            dry_run: false,
        });
        bus.publish(RunEvent::RunFinished {
            run_id: "r1".into(),
            flow_id: "f".into(),
            status: "succeeded".into(),
        });
        for listener in [&mut first, &mut second] {
            assert!(matches!(
                listener.recv().await.unwrap(),
                RunEvent::RunStarted { .. }
            ));
            let last = listener.recv().await.unwrap();
            assert_eq!(last.run_id(), "r1");
            assert!(matches!(last, RunEvent::RunFinished { .. }));
        }
    }

    #[test]
    fn events_serialize_with_a_type_tag() {
        let event = RunEvent::StepStarted {
            run_id: "r".into(),
            step_id: "isolate".into(),
            attempt: 2,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "step_started");
        assert_eq!(json["attempt"], 2);
        // The UI's field names.
        assert_eq!(json["runId"], "r");
        assert_eq!(json["stepId"], "isolate");
    }
}
