//! The background engine: turns trigger events into runs and runs them.
//!
//! Four loops share one [`Engine`]:
//! - the **dispatcher** picks queued runs (and, at start, runs left running by a crash) and runs
//!   them on a bounded pool, at most `per_flow_concurrency` at once for one flow;
//! - the **alert poller**, one per tenant, lists new alerts once per interval for every enabled
//!   alert flow at once, and creates each (flow, alert) run in the transaction that marks the
//!   alert processed;
//! - the **scheduler** fires schedule triggers (see [`crate::schedule`]), each tick once;
//! - the **pruner** applies the retention setting.
//!
//! Shutdown stops the loops, lets in-flight runs finish for a grace period, and leaves any still
//! running as they are in the database: the next start resumes them (checkpointed), never
//! repeating a side effect (see [`crate::executor`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use flowguard_model::{Flow, RunSource};
use flowguard_store::Store;
use flowguard_store::flows::StoredFlow;
use flowguard_store::runs::NewRun;

use crate::alerts::{
    AlertFilter, BACKLOG_LOOKBACK, advance_cursor, created_at, created_since, odata_time,
    parse_time, poll_start, trigger_outputs,
};
use crate::connectors::{ActionError, Defender, Mailer};
use crate::events::EventBus;
use crate::executor::{Executor, ExecutorSettings};
use crate::run::RunStatus;
use crate::schedule::{MissedTicks, Schedule};
use crate::sqlite::SqliteRunLog;

/// The setting that holds the retention (`{"keepRuns": N, "keepDays": D}`).
pub const RETENTION_SETTING: &str = "retention";

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Runs in flight at once, across all flows.
    pub max_workers: usize,
    /// Runs in flight at once for one flow.
    pub per_flow_concurrency: usize,
    /// Overrides every alert flow's poll interval (tests, benchmarks, the demo).
    pub poll_interval: Option<Duration>,
    pub executor: ExecutorSettings,
    /// Keep at most this many finished runs per flow.
    pub keep_runs: usize,
    /// And none older than this many days.
    pub keep_days: Option<i64>,
    /// How long in-flight runs may take to finish at shutdown.
    pub shutdown_grace: Duration,
    /// The tenant key the alert cursor is filed under.
    pub tenant_key: String,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            max_workers: 8,
            per_flow_concurrency: 4,
            poll_interval: None,
            executor: ExecutorSettings::default(),
            keep_runs: 1000,
            keep_days: Some(90),
            shutdown_grace: Duration::from_secs(20),
            tenant_key: "default".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] flowguard_store::StoreError),
    #[error("flow {0} does not exist")]
    NoSuchFlow(String),
    #[error("polling Defender failed: {0}")]
    Poll(ActionError),
    #[error("flow {0} has no published version yet: publish it first")]
    NotPublished(String),
    #[error(transparent)]
    Log(#[from] crate::run::LogError),
}

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    pub alerts_seen: usize,
    pub runs_created: usize,
    /// The cursor after the poll (RFC 3339).
    pub cursor: String,
}

/// The alerts a flow has not seen: created since it was last on (or since it was created), at
/// most [`BACKLOG_LOOKBACK`] back, matching its trigger's filter, not processed by it.
#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    pub since: DateTime<Utc>,
    /// Oldest first, as Defender lists them.
    pub alerts: Vec<Value>,
}

/// A schedule flow's ticks while it was off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedSchedule {
    /// Ticks due since the last handled one (or since it was switched off / created).
    pub missed: u32,
    /// The latest of them.
    pub latest: Option<DateTime<Utc>>,
    /// The next tick after now.
    pub next: Option<DateTime<Utc>>,
}

/// The most missed ticks counted (a schedule every second, off for a day, stops counting here).
pub const MAX_MISSED_TICKS_COUNTED: u32 = 10_000;

/// A schedule trigger's schedule and missed-tick setting, if the flow has a valid one.
pub fn schedule_of(flow: &Flow) -> Option<Result<(Schedule, MissedTicks), String>> {
    let trigger = flow.trigger.as_ref().filter(|t| t.kind == "schedule")?;
    let text = |name: &str| {
        trigger
            .inputs
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let missed = if text("missedTicks") == "skip" {
        MissedTicks::Skip
    } else {
        MissedTicks::RunOnce
    };
    Some(
        Schedule::parse(&text("cron"), &text("timeZone"))
            .map(|schedule| (schedule, missed))
            .map_err(|error| error.to_string()),
    )
}

/// A schedule flow's ticks since its last handled one (or since it was switched off, or
/// created), and its next; `None` for a flow without a valid schedule. Needs only the store.
pub fn missed_schedule(
    store: &Store,
    stored: &StoredFlow,
    now: DateTime<Utc>,
) -> Result<Option<MissedSchedule>, EngineError> {
    let Some(Ok((schedule, _))) = schedule_of(&stored.flow) else {
        return Ok(None);
    };
    let since = parse_time(store.last_tick(&stored.flow.id)?.as_deref())
        .or_else(|| parse_time(stored.disabled_at.as_deref()))
        .or_else(|| parse_time(Some(&stored.created_at)))
        .unwrap_or(now);
    let mut missed = 0;
    let mut latest = None;
    let mut cursor = since;
    while let Some(tick) = schedule.next_after(cursor) {
        if tick > now || missed >= MAX_MISSED_TICKS_COUNTED {
            break;
        }
        missed += 1;
        latest = Some(tick);
        cursor = tick;
    }
    Ok(Some(MissedSchedule {
        missed,
        latest,
        next: schedule.next_after(now),
    }))
}

/// The engine. Cheap to share behind an `Arc`.
pub struct Engine {
    store: Arc<Store>,
    defender: Arc<dyn Defender>,
    executor: Executor,
    config: EngineConfig,
    wake: Notify,
    in_flight: Mutex<HashMap<String, CancellationToken>>,
    workers: Arc<Semaphore>,
    per_flow: Mutex<HashMap<String, Arc<Semaphore>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Engine {
    pub fn new(
        store: Arc<Store>,
        defender: Arc<dyn Defender>,
        mailer: Arc<dyn Mailer>,
        events: EventBus,
        config: EngineConfig,
    ) -> Arc<Self> {
        let log = Arc::new(SqliteRunLog::new(store.clone()));
        let executor = Executor::new(log, defender.clone(), mailer, events, config.executor);
        Arc::new(Self {
            store,
            defender,
            executor,
            workers: Arc::new(Semaphore::new(config.max_workers.max(1))),
            config,
            wake: Notify::new(),
            in_flight: Mutex::new(HashMap::new()),
            per_flow: Mutex::new(HashMap::new()),
        })
    }

    /// The Defender connection the engine uses.
    pub fn defender(&self) -> &Arc<dyn Defender> {
        &self.defender
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn events(&self) -> &EventBus {
        self.executor.events()
    }

    /// Queues a run of the flow's draft (Run now). `trigger` is the trigger's outputs: a chosen
    /// alert's, or a sample. A real (not dry) run on an alert records the alert as processed by
    /// the flow in the same transaction, so the flow's trigger never starts it again.
    pub fn enqueue(
        &self,
        flow_id: &str,
        trigger: Value,
        dry_run: bool,
    ) -> Result<String, EngineError> {
        let stored = self
            .store
            .get_flow(flow_id)?
            .ok_or_else(|| EngineError::NoSuchFlow(flow_id.to_owned()))?;
        let alert_id = trigger["alertId"].as_str().map(str::to_owned);
        let run = NewRun {
            flow_id: flow_id.to_owned(),
            flow_version: stored.version,
            trigger_kind: trigger_kind(&stored.flow),
            source: RunSource::Manual,
            trigger_payload: trigger,
            dry_run,
            rerun_of: None,
        };
        let run_id = match alert_id {
            Some(alert_id) if !dry_run => self.store.create_run_marking_alert(&run, &alert_id)?,
            _ => self.store.create_run(&run)?,
        };
        self.wake.notify_one();
        Ok(run_id)
    }

    /// The flow's alert backlog at `now` (see [`Backlog`]), read from Defender. The trigger's
    /// filter is the published version's (the draft's when nothing is published). For a flow
    /// that is on, alerts created since it was switched on are the poller's, not backlog.
    pub async fn alert_backlog(
        &self,
        stored: &StoredFlow,
        now: DateTime<Utc>,
    ) -> Result<Backlog, EngineError> {
        let from = parse_time(stored.disabled_at.as_deref())
            .or_else(|| parse_time(Some(&stored.created_at)))
            .unwrap_or(now);
        let since = from.max(now - BACKLOG_LOOKBACK);
        let listed = self
            .defender
            .alerts_created_since(&odata_time(since))
            .await
            .map_err(EngineError::Poll)?;
        let filter = AlertFilter::from_inputs(
            &stored
                .flow
                .trigger
                .as_ref()
                .map(|t| t.inputs.clone())
                .unwrap_or_default(),
        );
        let enabled_at = parse_time(stored.enabled_at.as_deref()).filter(|_| stored.flow.enabled);
        let candidates: Vec<Value> = listed
            .into_iter()
            .filter(|alert| alert["id"].is_string() && filter.matches(alert))
            .filter(|alert| created_at(alert).is_none_or(|created| created >= since))
            .filter(|alert| enabled_at.is_none() || !created_since(alert, enabled_at))
            .collect();
        let ids: Vec<String> = candidates
            .iter()
            .filter_map(|alert| alert["id"].as_str().map(str::to_owned))
            .collect();
        let processed = self.store.processed_alerts_among(&stored.flow.id, &ids)?;
        let alerts = candidates
            .into_iter()
            .filter(|alert| {
                !alert["id"]
                    .as_str()
                    .is_some_and(|id| processed.contains(id))
            })
            .collect();
        Ok(Backlog { since, alerts })
    }

    /// Queues runs of the flow's **published** version for backlog alerts, with source
    /// `backlog`. `preview`: dry runs that record nothing as processed (what they would do);
    /// otherwise real runs (dry runs for a dry-run-only flow), each created with its
    /// `processed_alerts` row so nothing doubles. Returns (alert id, run id) for each run made.
    pub fn queue_backlog(
        &self,
        flow_id: &str,
        alerts: &[Value],
        preview: bool,
    ) -> Result<Vec<(String, String)>, EngineError> {
        let stored = self
            .store
            .published_flow(flow_id)?
            .ok_or_else(|| EngineError::NotPublished(flow_id.to_owned()))?;
        let mut queued = Vec::new();
        for alert in alerts {
            let Some(alert_id) = alert["id"].as_str() else {
                continue;
            };
            let run = NewRun {
                flow_id: flow_id.to_owned(),
                flow_version: stored.version,
                trigger_kind: trigger_kind(&stored.flow),
                source: RunSource::Backlog,
                trigger_payload: trigger_outputs(alert),
                dry_run: preview || stored.dry_run_only,
                rerun_of: None,
            };
            let run_id = if preview {
                Some(self.store.create_run(&run)?)
            } else {
                self.store.create_run_for_alert(&run, alert_id)?
            };
            if let Some(run_id) = run_id {
                queued.push((alert_id.to_owned(), run_id));
            }
        }
        if !queued.is_empty() {
            self.wake.notify_one();
        }
        Ok(queued)
    }

    /// A schedule flow's ticks since its last handled one (see [`missed_schedule`]).
    pub fn missed_schedule(
        &self,
        stored: &StoredFlow,
        now: DateTime<Utc>,
    ) -> Result<Option<MissedSchedule>, EngineError> {
        missed_schedule(&self.store, stored, now)
    }

    /// Runs the latest missed tick of a schedule flow once now (its published version), when
    /// the user asks for it on switching the flow on. `None` when no tick was missed.
    pub fn run_missed_tick(
        &self,
        flow_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EngineError> {
        let stored = self
            .store
            .published_flow(flow_id)?
            .ok_or_else(|| EngineError::NotPublished(flow_id.to_owned()))?;
        let Some(latest) = self.missed_schedule(&stored, now)?.and_then(|m| m.latest) else {
            return Ok(None);
        };
        let run = NewRun {
            flow_id: flow_id.to_owned(),
            flow_version: stored.version,
            trigger_kind: "schedule".to_owned(),
            source: RunSource::Schedule,
            trigger_payload: json!({ "scheduledTime": odata_time(latest), "firedTime": odata_time(now) }),
            dry_run: stored.dry_run_only,
            rerun_of: None,
        };
        let created = self
            .store
            .handle_tick(flow_id, &odata_time(latest), Some(&run))?
            .flatten();
        if created.is_some() {
            self.wake.notify_one();
        }
        Ok(created)
    }

    /// Queues a new run of a finished run: from the start with the flow's current version, or
    /// from its failed step with the same version, reusing the outputs of the steps before it.
    pub fn rerun(&self, run_id: &str, from_failed_step: bool) -> Result<String, EngineError> {
        let old = self.store.get_run(run_id)?;
        if !from_failed_step {
            let stored = self
                .store
                .get_flow(&old.flow_id)?
                .ok_or_else(|| EngineError::NoSuchFlow(old.flow_id.clone()))?;
            let id = self.store.create_run(&NewRun {
                flow_id: old.flow_id.clone(),
                flow_version: stored.version,
                trigger_kind: old.trigger_kind.clone(),
                source: RunSource::Rerun,
                trigger_payload: old.trigger_payload.clone(),
                dry_run: old.dry_run,
                rerun_of: Some(old.id),
            })?;
            self.wake.notify_one();
            return Ok(id);
        }
        let id = self.store.create_run(&NewRun {
            flow_id: old.flow_id.clone(),
            flow_version: old.flow_version,
            trigger_kind: old.trigger_kind.clone(),
            source: RunSource::Rerun,
            trigger_payload: old.trigger_payload.clone(),
            dry_run: old.dry_run,
            rerun_of: Some(old.id.clone()),
        })?;
        let kept: Vec<String> = old
            .steps
            .iter()
            .filter(|step| step.status == "succeeded" || step.status == "skipped")
            .map(|step| step.step_id.clone())
            .collect();
        self.store.copy_step_runs(&old.id, &id, &kept)?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Runs one run now, in this task, to its end (the CLI's `flowguard run`).
    pub async fn execute(&self, run_id: &str) -> Result<RunStatus, EngineError> {
        let token = CancellationToken::new();
        lock(&self.in_flight).insert(run_id.to_owned(), token.clone());
        let status = self.executor.execute(run_id, &token).await;
        lock(&self.in_flight).remove(run_id);
        Ok(status?)
    }

    /// Asks a running run to stop; it records the step it was in as cancelled.
    pub fn cancel(&self, run_id: &str) -> bool {
        lock(&self.in_flight)
            .get(run_id)
            .map(CancellationToken::cancel)
            .is_some()
    }

    /// Polls the tenant's alerts once for every enabled alert flow.
    pub async fn poll_alerts_once(&self, now: DateTime<Utc>) -> Result<PollReport, EngineError> {
        let flows: Vec<StoredFlow> = self
            .store
            .enabled_flows()?
            .into_iter()
            .filter(|stored| trigger_kind(&stored.flow) == "alert_created")
            .collect();
        let cursor_key = format!("alerts:{}", self.config.tenant_key);
        let cursor = self
            .store
            .get_cursor(&cursor_key)?
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|time| time.with_timezone(&Utc));
        if flows.is_empty() {
            return Ok(PollReport {
                cursor: cursor.map(odata_time).unwrap_or_default(),
                ..PollReport::default()
            });
        }
        let since = odata_time(poll_start(cursor, now));
        // A failed poll returns here, before the cursor moves.
        let alerts = self
            .defender
            .alerts_created_since(&since)
            .await
            .map_err(EngineError::Poll)?;
        // Each flow with its filter and the moment it was switched on: alerts created before
        // that are its backlog, never started here.
        let flows: Vec<(&StoredFlow, AlertFilter, Option<DateTime<Utc>>)> = flows
            .iter()
            .map(|stored| {
                let filter = AlertFilter::from_inputs(
                    &stored
                        .flow
                        .trigger
                        .as_ref()
                        .map(|t| t.inputs.clone())
                        .unwrap_or_default(),
                );
                (stored, filter, parse_time(stored.enabled_at.as_deref()))
            })
            .collect();
        let mut created = 0;
        for alert in &alerts {
            let Some(alert_id) = alert["id"].as_str() else {
                continue;
            };
            for (stored, filter, enabled_at) in &flows {
                if !filter.matches(alert) || !created_since(alert, *enabled_at) {
                    continue;
                }
                let run = NewRun {
                    flow_id: stored.flow.id.clone(),
                    flow_version: stored.version,
                    trigger_kind: "alert_created".to_owned(),
                    source: RunSource::Alert,
                    trigger_payload: trigger_outputs(alert),
                    dry_run: stored.dry_run_only,
                    rerun_of: None,
                };
                if self.store.create_run_for_alert(&run, alert_id)?.is_some() {
                    created += 1;
                }
            }
        }
        let next = advance_cursor(cursor, &alerts, now);
        self.store.set_cursor(&cursor_key, &odata_time(next))?;
        if created > 0 {
            tracing::info!(
                alerts = alerts.len(),
                runs = created,
                "new alerts started runs"
            );
            self.wake.notify_one();
        }
        Ok(PollReport {
            alerts_seen: alerts.len(),
            runs_created: created,
            cursor: odata_time(next),
        })
    }

    /// Fires the schedule flows due at `now` (their published versions); returns the runs
    /// created. A flow starts from when it was last switched on: ticks due while it was off
    /// never fire here (enable offers to run the latest once).
    pub fn schedule_once(&self, now: DateTime<Utc>) -> Result<usize, EngineError> {
        let mut created = 0;
        for stored in self.store.enabled_flows()? {
            let (schedule, missed) = match schedule_of(&stored.flow) {
                None => continue,
                Some(Ok(parsed)) => parsed,
                Some(Err(error)) => {
                    tracing::warn!(flow = %stored.flow.id, %error, "skipping a schedule that does not parse");
                    continue;
                }
            };
            let last = parse_time(self.store.last_tick(&stored.flow.id)?.as_deref());
            // A switch-on later than the clock asked about (an injected clock) is ignored.
            let enabled_at = parse_time(stored.enabled_at.as_deref()).filter(|on| *on <= now);
            let last = match (last, enabled_at) {
                (Some(tick), Some(on)) => Some(tick.max(on)),
                (tick, on) => tick.or(on),
            };
            let decision = schedule.decide(last, now, missed);
            let Some(handled) = decision.handled_up_to else {
                continue;
            };
            let tick = odata_time(handled);
            let run = decision.fire.map(|fired| NewRun {
                flow_id: stored.flow.id.clone(),
                flow_version: stored.version,
                trigger_kind: "schedule".to_owned(),
                source: RunSource::Schedule,
                trigger_payload: json!({ "scheduledTime": odata_time(fired), "firedTime": odata_time(now) }),
                dry_run: stored.dry_run_only,
                rerun_of: None,
            });
            if let Some(Some(_)) = self
                .store
                .handle_tick(&stored.flow.id, &tick, run.as_ref())?
            {
                created += 1;
            }
            if decision.skipped > 0 {
                tracing::info!(flow = %stored.flow.id, skipped = decision.skipped, "schedule ticks missed while Flowguard was not running");
            }
        }
        if created > 0 {
            self.wake.notify_one();
        }
        Ok(created)
    }

    /// The poll interval: the configured override, else the smallest of the enabled alert flows'.
    fn poll_interval(&self) -> Duration {
        if let Some(interval) = self.config.poll_interval {
            return interval;
        }
        let seconds = self
            .store
            .enabled_flows()
            .unwrap_or_default()
            .iter()
            .filter_map(|stored| {
                stored
                    .flow
                    .trigger
                    .as_ref()
                    .filter(|t| t.kind == "alert_created")
            })
            .filter_map(|trigger| {
                trigger
                    .inputs
                    .get("pollIntervalSeconds")
                    .and_then(Value::as_u64)
            })
            .min()
            .unwrap_or(60)
            .max(flowguard_model::kinds::MIN_POLL_INTERVAL_SECONDS);
        Duration::from_secs(seconds)
    }

    /// Starts every queued run (and, the first time, the runs a crash left running) that the
    /// limits allow.
    fn dispatch(self: &Arc<Self>, tasks: &mut JoinSet<()>) -> Result<(), EngineError> {
        let ready = self.store.run_ids_with_status(&["queued", "running"])?;
        for (run_id, flow_id) in ready {
            if lock(&self.in_flight).contains_key(&run_id) {
                continue;
            }
            let Ok(worker) = self.workers.clone().try_acquire_owned() else {
                break;
            };
            let flow_slots = lock(&self.per_flow)
                .entry(flow_id.clone())
                .or_insert_with(|| {
                    Arc::new(Semaphore::new(self.config.per_flow_concurrency.max(1)))
                })
                .clone();
            let Ok(flow_slot) = flow_slots.try_acquire_owned() else {
                continue;
            };
            let token = CancellationToken::new();
            lock(&self.in_flight).insert(run_id.clone(), token.clone());
            let engine = self.clone();
            tasks.spawn(async move {
                let _permits = (worker, flow_slot);
                match engine.executor.execute(&run_id, &token).await {
                    Ok(status) => tracing::debug!(%run_id, status = status.as_str(), "run finished"),
                    Err(error) => tracing::error!(%run_id, %error, "the run log failed; the run resumes at the next start"),
                }
                lock(&engine.in_flight).remove(&run_id);
                engine.wake.notify_one();
            });
        }
        Ok(())
    }

    /// Runs the engine until `shutdown` is cancelled.
    pub async fn serve(self: Arc<Self>, shutdown: CancellationToken) {
        let mut tasks = JoinSet::new();
        let poller = {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    match engine.poll_alerts_once(Utc::now()).await {
                        Ok(report) if report.runs_created > 0 => {
                            tracing::debug!(?report, "poll done");
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::warn!(%error, "alert poll failed; the cursor did not move");
                        }
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(engine.poll_interval()) => {}
                    }
                }
            })
        };
        let scheduler = {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(error) = engine.schedule_once(Utc::now()) {
                        tracing::warn!(%error, "the scheduler failed; it tries again in a second");
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            })
        };
        let pruner = {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    match engine.prune() {
                        Ok(0) => {}
                        Ok(pruned) => tracing::info!(pruned, "old runs pruned"),
                        Err(error) => tracing::warn!(%error, "pruning old runs failed"),
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(3600)) => {}
                    }
                }
            })
        };
        loop {
            if let Err(error) = self.dispatch(&mut tasks) {
                tracing::error!(%error, "cannot read the run queue");
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        for task in [poller, scheduler, pruner] {
            let _ = task.await;
        }
        let in_flight = tasks.len();
        if in_flight > 0 {
            tracing::info!(in_flight, grace = ?self.config.shutdown_grace, "waiting for in-flight runs");
            let finished = tokio::time::timeout(self.config.shutdown_grace, async {
                while tasks.join_next().await.is_some() {}
            })
            .await;
            if finished.is_err() {
                tracing::warn!(
                    left = tasks.len(),
                    "runs still in flight are left to resume at the next start"
                );
                tasks.abort_all();
            }
        }
    }

    /// Applies the retention: the `retention` setting (`{"keepRuns": N, "keepDays": D}`, either
    /// optional) when saved, else the engine's configuration. Returns how many runs went.
    pub fn prune(&self) -> Result<usize, EngineError> {
        let setting = self
            .store
            .get_setting(RETENTION_SETTING)?
            .unwrap_or(Value::Null);
        let keep_runs = setting["keepRuns"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(self.config.keep_runs);
        let keep_days = setting["keepDays"].as_i64().or(self.config.keep_days);
        Ok(self.store.prune_runs(keep_runs, keep_days)?)
    }

    /// The ids of runs in flight in this process.
    pub fn in_flight(&self) -> HashSet<String> {
        lock(&self.in_flight).keys().cloned().collect()
    }
}

fn trigger_kind(flow: &Flow) -> String {
    flow.trigger
        .as_ref()
        .map_or_else(|| "manual".to_owned(), |trigger| trigger.kind.clone())
}

/// A sample alert for Run now without a tenant alert.
pub fn sample_trigger() -> Value {
    let alert = json!({
        "id": "da637551227677560813_-961444813",
        "title": "Suspicious PowerShell command line (sample)",
        "severity": "High",
        "status": "New",
        "machineId": "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
        "computerDnsName": "finance-laptop-07.contoso.com",
        "category": "Execution",
        "alertCreationTime": "2026-11-25T06:12:44.1234567Z",
    });
    trigger_outputs(&alert)
}

/// Counts runs by status (for reports and tests).
pub fn count_by_status(
    store: &Store,
    flow_id: &str,
) -> Result<BTreeMap<String, usize>, EngineError> {
    let mut counts = BTreeMap::new();
    for run in store.list_runs(&flowguard_store::runs::RunFilter {
        flow_id: Some(flow_id.to_owned()),
        status: None,
        limit: Some(usize::MAX / 2),
        before: None,
    })? {
        *counts.entry(run.status).or_insert(0) += 1;
    }
    Ok(counts)
}
