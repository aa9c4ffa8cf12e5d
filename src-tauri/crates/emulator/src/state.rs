//! The emulator's shared state: the tenant (machines, alerts, machine actions), issued tokens,
//! the request log, injected faults, received mail and quota counters.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::task::JoinHandle;

use crate::EmulatorConfig;
use crate::seed::{self, Rng, fmt_time, parse_time};

/// Largest request log kept; older records are dropped first.
const MAX_REQUESTS: usize = 100_000;

/// One call to the API or the token endpoints, as logged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path, e.g. `/api/machines/abc/isolate`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The status answered.
    pub status: u16,
    /// When it arrived (UTC, RFC 3339).
    pub time: String,
    /// The body of a POST or PATCH to the API: compare it with a `Value`, read it as one (it
    /// derefs to [`Value`]), or search its raw text with [`RequestBody::contains`].
    pub body: Option<RequestBody>,
}

/// A logged request body: the raw text as received and its JSON (a JSON string when not JSON).
#[derive(Debug, Clone, Default)]
pub struct RequestBody {
    raw: String,
    json: Value,
}

impl RequestBody {
    /// Keeps `bytes` as text and as JSON.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let raw = String::from_utf8_lossy(bytes).into_owned();
        let json = serde_json::from_str(&raw).unwrap_or_else(|_| Value::String(raw.clone()));
        Self { raw, json }
    }

    /// The body exactly as received.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.raw
    }

    /// The body as JSON.
    #[must_use]
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// Whether the raw text contains `needle`.
    #[must_use]
    pub fn contains(&self, needle: &str) -> bool {
        self.raw.contains(needle)
    }
}

impl std::ops::Deref for RequestBody {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.json
    }
}

impl PartialEq for RequestBody {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl PartialEq<Value> for RequestBody {
    fn eq(&self, other: &Value) -> bool {
        self.json == *other
    }
}

impl PartialEq<RequestBody> for Value {
    fn eq(&self, other: &RequestBody) -> bool {
        *self == other.json
    }
}

impl std::fmt::Display for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for RequestBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RequestBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Value::deserialize(deserializer)?;
        let raw = match &json {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        Ok(Self { raw, json })
    }
}

/// One message received by the SMTP sink.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReceivedMail {
    /// Envelope sender (`MAIL FROM`).
    pub from: String,
    /// Envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// Decoded `Subject` header.
    pub subject: String,
    /// The text body (decoded, line ends as `\n`; the HTML part converted to text when there is no text part).
    pub body: String,
    /// The HTML body, if any.
    pub html: Option<String>,
    /// The whole message as received (after dot-unstuffing).
    pub raw: String,
    /// User name given with AUTH, if any.
    pub auth_user: Option<String>,
    /// When it was received (UTC, RFC 3339).
    pub received_at: String,
}

/// A fault to inject into the next `count` API calls whose path contains `path_contains`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultSpec {
    /// Substring of the request path that selects the calls.
    pub path_contains: String,
    /// Only calls with this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Answer with this status instead of calling the handler.
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
    /// Answer with a truncated, invalid JSON body.
    #[serde(default)]
    pub malformed_body: bool,
    /// Add `Retry-After: N` (seconds) to the faulty answer.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// How many matching calls are affected.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

pub(crate) const ACTION_TYPES: [&str; 6] = [
    "Isolate",
    "Unisolate",
    "RunAntiVirusScan",
    "CollectInvestigationPackage",
    "RestrictCodeExecution",
    "UnrestrictCodeExecution",
];

#[derive(Debug, Clone)]
pub(crate) struct ActionRec {
    pub json: Map<String, Value>,
    pub kind: &'static str,
    pub machine_id: String,
    pub created: DateTime<Utc>,
    pub cancelled: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(crate) struct AlertRec {
    pub created: DateTime<Utc>,
    pub json: Map<String, Value>,
}

#[derive(Debug)]
pub(crate) struct World {
    pub rng: Rng,
    pub machines: Vec<Map<String, Value>>,
    /// Sorted by creation time (stable for equal times).
    pub alerts: Vec<AlertRec>,
    pub actions: Vec<ActionRec>,
    pub indicators: Vec<Value>,
    /// The latest creation time handed out, so that new alerts get strictly increasing times.
    pub last_created: DateTime<Utc>,
}

impl World {
    pub(crate) fn seeded(config: &EmulatorConfig) -> Self {
        let now = seed::now();
        let mut rng = Rng::new(config.seed);
        let machines = seed::machines(&mut rng, config.machines, now);
        let alerts: Vec<AlertRec> =
            seed::alerts(&mut rng, &machines, config.alerts, &config.tenant_id, now)
                .into_iter()
                .map(|(created, json)| AlertRec { created, json })
                .collect();
        let last_created = alerts
            .last()
            .map_or(DateTime::<Utc>::MIN_UTC, |a| a.created);
        Self {
            rng,
            machines,
            alerts,
            actions: Vec::new(),
            indicators: Vec::new(),
            last_created,
        }
    }

    /// Now, or 100 ns after the previous new alert: new alerts never share a creation time, so
    /// a poller's `alertCreationTime gt <last seen>` cursor sees each of them exactly once.
    pub(crate) fn next_time(&mut self) -> DateTime<Utc> {
        let now = seed::now();
        let time = if now > self.last_created {
            now
        } else {
            self.last_created + chrono::Duration::nanoseconds(100)
        };
        self.last_created = time;
        time
    }

    pub(crate) fn insert_alert(&mut self, created: DateTime<Utc>, json: Map<String, Value>) {
        let position = self.alerts.partition_point(|a| a.created <= created);
        self.alerts.insert(position, AlertRec { created, json });
    }

    pub(crate) fn machine_index(&self, id_or_name: &str) -> Option<usize> {
        self.machines
            .iter()
            .position(|m| {
                m.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id.eq_ignore_ascii_case(id_or_name))
            })
            .or_else(|| {
                self.machines.iter().position(|m| {
                    m.get("computerDnsName")
                        .and_then(Value::as_str)
                        .is_some_and(|name| {
                            name.eq_ignore_ascii_case(id_or_name)
                                || name
                                    .split('.')
                                    .next()
                                    .is_some_and(|short| short.eq_ignore_ascii_case(id_or_name))
                        })
                })
            })
    }

    /// "Isolated" when the last succeeded Isolate/Unisolate action was an Isolate.
    pub(crate) fn isolation_state(
        &self,
        machine_id: &str,
        now: DateTime<Utc>,
        delay: Duration,
    ) -> &'static str {
        self.last_succeeded(machine_id, now, delay, "Isolate", "Unisolate")
            .map_or("NotIsolated", |isolated| {
                if isolated { "Isolated" } else { "NotIsolated" }
            })
    }

    pub(crate) fn restriction_state(
        &self,
        machine_id: &str,
        now: DateTime<Utc>,
        delay: Duration,
    ) -> &'static str {
        self.last_succeeded(
            machine_id,
            now,
            delay,
            "RestrictCodeExecution",
            "UnrestrictCodeExecution",
        )
        .map_or("NotRestricted", |restricted| {
            if restricted {
                "Restricted"
            } else {
                "NotRestricted"
            }
        })
    }

    fn last_succeeded(
        &self,
        machine_id: &str,
        now: DateTime<Utc>,
        delay: Duration,
        on: &str,
        off: &str,
    ) -> Option<bool> {
        self.actions
            .iter()
            .rev()
            .filter(|a| a.machine_id == machine_id && (a.kind == on || a.kind == off))
            .find(|a| status_of(a, now, delay).0 == "Succeeded")
            .map(|a| a.kind == on)
    }

    pub(crate) fn render_machine(
        &self,
        index: usize,
        now: DateTime<Utc>,
        delay: Duration,
    ) -> Map<String, Value> {
        let mut machine = self.machines[index].clone();
        let id = machine
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        machine.insert(
            "isolationState".into(),
            json!(self.isolation_state(&id, now, delay)),
        );
        machine
    }
}

/// The status of an action now, and when it last changed.
pub(crate) fn status_of(
    action: &ActionRec,
    now: DateTime<Utc>,
    delay: Duration,
) -> (&'static str, DateTime<Utc>) {
    if let Some(at) = action.cancelled {
        return ("Cancelled", at);
    }
    let delay = chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
    let half = delay / 2;
    let elapsed = now - action.created;
    if delay.is_zero() || elapsed >= delay {
        ("Succeeded", action.created + delay)
    } else if elapsed >= half {
        ("InProgress", action.created + half)
    } else {
        ("Pending", action.created)
    }
}

pub(crate) fn render_action(
    action: &ActionRec,
    now: DateTime<Utc>,
    delay: Duration,
) -> Map<String, Value> {
    let (status, changed) = status_of(action, now, delay);
    let mut json = action.json.clone();
    json.insert("status".into(), json!(status));
    json.insert("lastUpdateDateTimeUtc".into(), json!(fmt_time(changed)));
    json
}

#[derive(Debug, Default)]
pub(crate) struct QuotaCounters {
    pub minute: VecDeque<Instant>,
    pub hour: VecDeque<Instant>,
    pub hunting: VecDeque<Instant>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub world: World,
    /// Access token → expiry.
    pub tokens: HashMap<String, Instant>,
    pub requests: VecDeque<RequestRecord>,
    pub faults: Vec<FaultSpec>,
    pub mail: Vec<ReceivedMail>,
    pub quota: QuotaCounters,
    pub generated: u64,
}

pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub base_url: String,
    inner: Mutex<Inner>,
    generator: Mutex<Option<(JoinHandle<()>, f64)>>,
}

impl Shared {
    pub(crate) fn new(config: EmulatorConfig, base_url: String) -> Self {
        let world = World::seeded(&config);
        Self {
            config,
            base_url,
            inner: Mutex::new(Inner {
                world,
                tokens: HashMap::new(),
                requests: VecDeque::new(),
                faults: Vec::new(),
                mail: Vec::new(),
                quota: QuotaCounters::default(),
                generated: 0,
            }),
            generator: Mutex::new(None),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        let mut inner = self.lock();
        if inner.requests.len() >= MAX_REQUESTS {
            inner.requests.pop_front();
        }
        inner.requests.push_back(record);
    }

    pub(crate) fn expire_tokens(&self) -> usize {
        let mut inner = self.lock();
        let past = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        let count = inner.tokens.len();
        for expiry in inner.tokens.values_mut() {
            *expiry = past;
        }
        count
    }

    pub(crate) fn reset(&self) {
        self.stop_generator();
        let world = World::seeded(&self.config);
        let mut inner = self.lock();
        inner.world = world;
        inner.requests.clear();
        inner.faults.clear();
        inner.mail.clear();
        inner.quota = QuotaCounters::default();
        inner.generated = 0;
    }

    pub(crate) fn summary(&self) -> Value {
        let generator = self.generator_rate();
        let inner = self.lock();
        let now = seed::now();
        let delay = self.config.action_delay;
        let pending = inner
            .world
            .actions
            .iter()
            .filter(|a| matches!(status_of(a, now, delay).0, "Pending" | "InProgress"))
            .count();
        let isolated = inner
            .world
            .machines
            .iter()
            .filter_map(|m| m.get("id").and_then(Value::as_str))
            .filter(|id| inner.world.isolation_state(id, now, delay) == "Isolated")
            .count();
        json!({
            "machines": inner.world.machines.len(),
            "isolatedMachines": isolated,
            "alerts": inner.world.alerts.len(),
            "machineActions": inner.world.actions.len(),
            "pendingMachineActions": pending,
            "indicators": inner.world.indicators.len(),
            "tokens": inner.tokens.len(),
            "requests": inner.requests.len(),
            "faults": inner.faults.iter().filter(|f| f.count > 0).count(),
            "mail": inner.mail.len(),
            "generator": { "running": generator.is_some(), "ratePerSecond": generator, "generated": inner.generated },
            "seed": self.config.seed,
            "tenantId": self.config.tenant_id,
        })
    }

    /// Creates an alert from partial JSON: unknown machines are created, defaults filled in.
    pub(crate) fn create_alert(&self, partial: &Value) -> Value {
        let mut inner = self.lock();
        let alert = Self::create_alert_locked(&mut inner, &self.config, partial);
        Value::Object(alert)
    }

    pub(crate) fn create_alert_locked(
        inner: &mut Inner,
        config: &EmulatorConfig,
        partial: &Value,
    ) -> Map<String, Value> {
        let empty = Map::new();
        let partial = partial.as_object().unwrap_or(&empty);
        let world = &mut inner.world;
        let now = world.next_time();
        let machine_id = partial.get("machineId").and_then(Value::as_str);
        let dns_name = partial.get("computerDnsName").and_then(Value::as_str);
        let index = match (machine_id, dns_name) {
            (Some(id), _) => world.machine_index(id),
            (None, Some(name)) => world.machine_index(name),
            (None, None) if !world.machines.is_empty() => {
                let len = u64::try_from(world.machines.len()).unwrap_or(1);
                usize::try_from(world.rng.below(len)).ok()
            }
            (None, None) => None,
        };
        let index = index.unwrap_or_else(|| {
            let position = world.machines.len();
            let machine = seed::machine(&mut world.rng, position, dns_name, machine_id, now);
            world.machines.push(machine);
            position
        });
        let severity = partial.get("severity").and_then(Value::as_str);
        let machine = world.machines[index].clone();
        let mut alert = seed::alert(
            &mut world.rng,
            &machine,
            now,
            severity.or(Some("Medium")),
            &config.tenant_id,
            true,
        );
        for (key, value) in partial {
            alert.insert(key.clone(), value.clone());
        }
        alert.insert(
            "machineId".into(),
            machine.get("id").cloned().unwrap_or(Value::Null),
        );
        alert.insert(
            "computerDnsName".into(),
            machine
                .get("computerDnsName")
                .cloned()
                .unwrap_or(Value::Null),
        );
        let created = alert
            .get("alertCreationTime")
            .and_then(Value::as_str)
            .and_then(parse_time)
            .map_or(now, seed::truncate);
        alert.insert("alertCreationTime".into(), json!(fmt_time(created)));
        if !partial.contains_key("lastUpdateTime") {
            alert.insert("lastUpdateTime".into(), json!(fmt_time(created)));
        }
        world.insert_alert(created, alert.clone());
        alert
    }

    /// Creates `count` alerts quickly, with strictly increasing creation times from now on.
    pub(crate) fn bulk_alerts(&self, count: usize, severity: Option<&str>) -> usize {
        let now = seed::now();
        let mut inner = self.lock();
        let world = &mut inner.world;
        if world.machines.is_empty() {
            let machine = seed::machine(&mut world.rng, 0, None, None, now);
            world.machines.push(machine);
        }
        let mut batch = Vec::with_capacity(count);
        for _ in 0..count {
            let created = world.next_time();
            let len = u64::try_from(world.machines.len()).unwrap_or(1);
            let machine_index = usize::try_from(world.rng.below(len)).unwrap_or(0);
            let machine = &world.machines[machine_index];
            let severity = severity.or_else(|| Some(*world.rng.pick(&seed::SEVERITIES)));
            let alert = seed::alert(
                &mut world.rng,
                machine,
                created,
                severity,
                &self.config.tenant_id,
                false,
            );
            batch.push(AlertRec {
                created,
                json: alert,
            });
        }
        world.alerts.extend(batch);
        if !world.alerts.is_sorted_by_key(|a| a.created) {
            world.alerts.sort_by_key(|a| a.created);
        }
        count
    }

    pub(crate) fn generator_rate(&self) -> Option<f64> {
        self.generator
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(task, _)| !task.is_finished())
            .map(|(_, rate)| *rate)
    }

    pub(crate) fn stop_generator(&self) {
        if let Some((task, _)) = self
            .generator
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }

    /// Starts (or restarts) the alert generator at `rate` alerts per second.
    pub(crate) fn start_generator(self: &Arc<Self>, rate: f64, severity: Option<String>) {
        self.stop_generator();
        let weak = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut emitted: u64 = 0;
            let tick = Duration::from_secs_f64((1.0 / rate).clamp(0.005, 1.0));
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                interval.tick().await;
                let Some(shared) = weak.upgrade() else { return };
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let due = (started.elapsed().as_secs_f64() * rate).floor() as u64;
                let partial = severity
                    .as_ref()
                    .map_or_else(|| json!({}), |s| json!({ "severity": s }));
                let mut inner = shared.lock();
                while emitted < due.max(1) {
                    let mut partial = partial.clone();
                    if severity.is_none() {
                        let sev = *inner.world.rng.pick(&seed::SEVERITIES);
                        partial = json!({ "severity": sev });
                    }
                    Self::create_alert_locked(&mut inner, &shared.config, &partial);
                    inner.generated += 1;
                    emitted += 1;
                }
            }
        });
        *self
            .generator
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((task, rate));
    }
}
