//! The Defender endpoints under `/api/` and `/api/v1.0/` and the router of the whole HTTP
//! server. One module per entity (alerts, machines, machine actions, hunting, indicators), with
//! the guard in front of them (request log, faults, bearer token, quotas) and OData paging in
//! their own; this file holds the router, the error shape and the request-body checks they share.

mod actions;
mod alerts;
mod guard;
mod hunting;
mod indicators;
mod machines;
mod paging;

use actions::*;
use alerts::*;
use guard::*;
use hunting::*;
use indicators::*;
use machines::*;
use paging::*;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::odata::{self, Kind};
use crate::seed::{self, fmt_time};
use crate::state::{
    ActionRec, FaultSpec, RequestBody, RequestRecord, Shared, render_action, status_of,
};

type AppState = Arc<Shared>;

/// Largest `$top` honoured; larger values are clamped.
const MAX_TOP: usize = 10_000;

/// A Defender error: `{"error":{"code","message","target"}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("{what} {id} was not found"),
        )
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn odata(message: impl Into<String>) -> Self {
        Self::bad_request("ODataError", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "code": self.code, "message": self.message, "target": uuid::Uuid::new_v4().to_string() }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

type ApiResult = Result<Response, ApiError>;

fn json_response(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// The whole HTTP server.
pub(crate) fn router(shared: AppState) -> Router {
    let mut api = Router::new();
    for prefix in ["/api", "/api/v1.0"] {
        api = api
            .route(&format!("{prefix}/alerts"), get(list_alerts))
            .route(
                &format!("{prefix}/alerts/CreateAlertByReference"),
                post(create_alert_by_reference),
            )
            .route(
                &format!("{prefix}/alerts/createAlertByReference"),
                post(create_alert_by_reference),
            )
            .route(
                &format!("{prefix}/alerts/{{id}}"),
                get(get_alert).patch(patch_alert),
            )
            .route(
                &format!("{prefix}/alerts/{{id}}/machine"),
                get(alert_machine),
            )
            .route(&format!("{prefix}/machines"), get(list_machines))
            .route(&format!("{prefix}/machines/{{id}}"), get(get_machine))
            .route(
                &format!("{prefix}/machines/{{id}}/alerts"),
                get(machine_alerts),
            )
            .route(
                &format!("{prefix}/machines/{{id}}/tags"),
                post(machine_tags),
            )
            .route(
                &format!("{prefix}/machineactions/{{id}}/getPackageUri"),
                get(package_uri),
            )
            .route(
                &format!("{prefix}/machines/{{id}}/{{action}}"),
                post(machine_action),
            )
            .route(&format!("{prefix}/machineactions"), get(list_actions))
            .route(&format!("{prefix}/machineactions/{{id}}"), get(get_action))
            .route(
                &format!("{prefix}/machineactions/{{id}}/cancel"),
                post(cancel_action),
            )
            .route(&format!("{prefix}/advancedqueries/run"), post(run_query))
            .route(&format!("{prefix}/indicators"), post(post_indicator));
    }
    let api = api.layer(middleware::from_fn_with_state(Arc::clone(&shared), guard));
    Router::new()
        .merge(api)
        .merge(crate::auth::router(Arc::clone(&shared)))
        .merge(crate::control::router())
        .fallback(fallback)
        .with_state(shared)
}

async fn fallback(method: Method, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api") {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("No route for {method} {path}"),
        )
        .into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("no route for {method} {path}")})),
        )
            .into_response()
    }
}

fn status_code_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "InternalServerError",
    }
}

fn parse_object(bytes: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if bytes.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "InvalidRequestBody",
            "The request body must be a JSON object",
        )),
        Err(error) => Err(ApiError::bad_request(
            "InvalidRequestBody",
            format!("The request body is not valid JSON: {error}"),
        )),
    }
}

/// Rejects keys that differ from a known parameter only by case (parameter names are case-sensitive).
fn check_case(body: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    for key in body.keys() {
        if let Some(expected) = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(key) && **k != key.as_str())
        {
            return Err(ApiError::bad_request(
                "InvalidRequestBody",
                format!(
                    "Unknown parameter '{key}'. Parameter names are case-sensitive: did you mean '{expected}'?"
                ),
            ));
        }
    }
    Ok(())
}

fn required_str(body: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match body.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_) | Value::Null) | None => {
            let hint = body
                .keys()
                .find(|k| k.eq_ignore_ascii_case(name) && k.as_str() != name)
                .map(|k| format!(" (found '{k}'; parameter names are case-sensitive)"))
                .unwrap_or_default();
            Err(ApiError::bad_request(
                "MissingRequiredParameter",
                format!("The required parameter '{name}' is missing{hint}"),
            ))
        }
        Some(_) => Err(ApiError::bad_request(
            "InvalidRequestBody",
            format!("The parameter '{name}' must be a string"),
        )),
    }
}

fn enum_value(
    body: &Map<String, Value>,
    name: &str,
    allowed: &[&str],
) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(s))
            .map(|a| Some((*a).to_owned()))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "InvalidRequestBody",
                    format!(
                        "Invalid value '{s}' for '{name}'. Allowed values: {}",
                        allowed.join(", ")
                    ),
                )
            }),
        Some(_) => Err(ApiError::bad_request(
            "InvalidRequestBody",
            format!("The parameter '{name}' must be a string"),
        )),
    }
}
