//! The control API under `/_emulator/` (no auth, JSON) for tests, demo mode and benchmarks.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::seed;
use crate::state::{FaultSpec, Shared, render_action};

type AppState = Arc<Shared>;

/// Largest bulk creation accepted in one call.
const MAX_BULK: usize = 1_000_000;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/_emulator/alerts", post(create_alert))
        .route("/_emulator/alerts/bulk", post(bulk))
        // The same route under the name the brief uses.
        .route("/_emulator/bulk-alerts", post(bulk))
        .route(
            "/_emulator/generator",
            post(start_generator)
                .delete(stop_generator)
                .get(generator_state),
        )
        .route(
            "/_emulator/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route("/_emulator/machines", get(machines))
        .route("/_emulator/machines/{id}", get(machine))
        .route("/_emulator/mail", get(mail).delete(clear_mail))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/state", get(state))
        .route("/_emulator/tokens/expire", post(expire_tokens))
}

fn bad(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": message.into() })),
    )
        .into_response()
}

async fn create_alert(State(shared): State<AppState>, body: axum::body::Bytes) -> Response {
    let partial: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(value @ Value::Object(_)) => value,
            Ok(_) => return bad("expected a JSON object (a partial alert)"),
            Err(error) => return bad(format!("invalid JSON: {error}")),
        }
    };
    (
        StatusCode::CREATED,
        axum::Json(shared.create_alert(&partial)),
    )
        .into_response()
}

#[derive(Deserialize)]
struct BulkRequest {
    count: usize,
    #[serde(default)]
    severity: Option<String>,
}

async fn bulk(
    State(shared): State<AppState>,
    axum::Json(request): axum::Json<BulkRequest>,
) -> Response {
    if request.count > MAX_BULK {
        return bad(format!("count must be at most {MAX_BULK}"));
    }
    if let Some(severity) = &request.severity
        && !seed::SEVERITIES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(severity))
    {
        return bad(format!("unknown severity '{severity}'"));
    }
    let created = shared.bulk_alerts(request.count, request.severity.as_deref());
    let total = shared.lock().world.alerts.len();
    (
        StatusCode::CREATED,
        axum::Json(json!({ "created": created, "alerts": total })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct GeneratorRequest {
    rate_per_second: f64,
    #[serde(default)]
    severity: Option<String>,
}

async fn start_generator(
    State(shared): State<AppState>,
    axum::Json(request): axum::Json<GeneratorRequest>,
) -> Response {
    if !(request.rate_per_second.is_finite()
        && request.rate_per_second > 0.0
        && request.rate_per_second <= 10_000.0)
    {
        return bad("rate_per_second must be a number in (0, 10000]");
    }
    shared.start_generator(request.rate_per_second, request.severity);
    axum::Json(json!({ "running": true, "rate_per_second": request.rate_per_second }))
        .into_response()
}

async fn stop_generator(State(shared): State<AppState>) -> Response {
    shared.stop_generator();
    let generated = shared.lock().generated;
    axum::Json(json!({ "running": false, "generated": generated })).into_response()
}

async fn generator_state(State(shared): State<AppState>) -> Response {
    let rate = shared.generator_rate();
    let generated = shared.lock().generated;
    axum::Json(
        json!({ "running": rate.is_some(), "rate_per_second": rate, "generated": generated }),
    )
    .into_response()
}

async fn add_fault(
    State(shared): State<AppState>,
    axum::Json(fault): axum::Json<FaultSpec>,
) -> Response {
    if let Some(status) = fault.status
        && !(100..=599).contains(&status)
    {
        return bad("status must be an HTTP status code");
    }
    let mut inner = shared.lock();
    inner.faults.push(fault.clone());
    (StatusCode::CREATED, axum::Json(json!(fault))).into_response()
}

async fn list_faults(State(shared): State<AppState>) -> Response {
    axum::Json(json!(shared.lock().faults)).into_response()
}

async fn clear_faults(State(shared): State<AppState>) -> StatusCode {
    shared.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn requests(State(shared): State<AppState>) -> Response {
    let inner = shared.lock();
    axum::Json(json!(inner.requests)).into_response()
}

async fn clear_requests(State(shared): State<AppState>) -> StatusCode {
    shared.lock().requests.clear();
    StatusCode::NO_CONTENT
}

fn machine_view(shared: &Shared, index: usize) -> Value {
    let now = seed::now();
    let delay = shared.config.action_delay;
    let inner = shared.lock();
    let mut machine = inner.world.render_machine(index, now, delay);
    let id = machine
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let actions: Vec<Value> = inner
        .world
        .actions
        .iter()
        .filter(|a| a.machine_id == id)
        .map(|a| Value::Object(render_action(a, now, delay)))
        .collect();
    let alerts = inner
        .world
        .alerts
        .iter()
        .filter(|a| a.json.get("machineId").and_then(Value::as_str) == Some(id.as_str()))
        .count();
    machine.insert(
        "restrictionState".into(),
        json!(inner.world.restriction_state(&id, now, delay)),
    );
    machine.insert("alertCount".into(), json!(alerts));
    machine.insert("actions".into(), Value::Array(actions));
    Value::Object(machine)
}

async fn machines(State(shared): State<AppState>) -> Response {
    let count = shared.lock().world.machines.len();
    let all: Vec<Value> = (0..count).map(|i| machine_view(&shared, i)).collect();
    axum::Json(Value::Array(all)).into_response()
}

async fn machine(State(shared): State<AppState>, Path(id): Path<String>) -> Response {
    let index = shared.lock().world.machine_index(&id);
    match index {
        Some(index) => axum::Json(machine_view(&shared, index)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "error": format!("machine {id} not found") })),
        )
            .into_response(),
    }
}

async fn mail(State(shared): State<AppState>) -> Response {
    axum::Json(json!(shared.lock().mail)).into_response()
}

async fn clear_mail(State(shared): State<AppState>) -> StatusCode {
    shared.lock().mail.clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(shared): State<AppState>) -> Response {
    shared.reset();
    axum::Json(shared.summary()).into_response()
}

async fn state(State(shared): State<AppState>) -> Response {
    axum::Json(shared.summary()).into_response()
}

async fn expire_tokens(State(shared): State<AppState>) -> Response {
    let expired = shared.expire_tokens();
    axum::Json(json!({ "expired": expired })).into_response()
}
