//! The Entra ID token endpoints: `POST /{tenant}/oauth2/v2.0/token` and `POST /{tenant}/oauth2/token`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use serde_json::json;

use crate::seed::{self, fmt_time};
use crate::state::{RequestRecord, Shared};

type AppState = Arc<Shared>;

pub(crate) fn router(_shared: AppState) -> Router<AppState> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token_v2))
        .route("/{tenant}/oauth2/token", post(token_v1))
}

/// An Entra-shaped error: `{"error","error_description","error_codes","timestamp","trace_id","correlation_id"}`.
fn entra_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}"),
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}

fn missing(name: &str) -> Response {
    entra_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900_144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

/// Client id and secret from the form or from HTTP Basic (URL-encoded parts).
fn credentials(
    form: &HashMap<String, String>,
    headers: &HeaderMap,
) -> (Option<String>, Option<String>) {
    let mut id = form.get("client_id").cloned();
    let mut secret = form.get("client_secret").cloned();
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        && let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim())
    {
        let decoded = String::from_utf8_lossy(&decoded).into_owned();
        if let Some((user, password)) = decoded.split_once(':') {
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map_or_else(|| s.to_owned(), |(_, v)| v.into_owned())
            };
            id = id.or_else(|| Some(decode(user)));
            secret = secret.or_else(|| Some(decode(password)));
        }
    }
    (id, secret)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

async fn token_v2(
    State(shared): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&shared, &tenant, &headers, &body, Version::V2)
}

async fn token_v1(
    State(shared): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&shared, &tenant, &headers, &body, Version::V1)
}

fn token(
    shared: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    body: &Bytes,
    version: Version,
) -> Response {
    let time = fmt_time(seed::now());
    let response = issue(shared, tenant, headers, body, version);
    let path = match version {
        Version::V2 => format!("/{tenant}/oauth2/v2.0/token"),
        Version::V1 => format!("/{tenant}/oauth2/token"),
    };
    shared.record(RequestRecord {
        method: "POST".into(),
        path,
        query: None,
        status: response.status().as_u16(),
        time,
        body: None,
    });
    response
}

fn issue(
    shared: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    body: &Bytes,
    version: Version,
) -> Response {
    let config = &shared.config;
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    if !tenant.eq_ignore_ascii_case(&config.tenant_id) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90_002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    let Some(grant_type) = form.get("grant_type") else {
        return missing("grant_type");
    };
    if grant_type != "client_credentials" {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70_003,
            &format!("The app requested an unsupported grant type '{grant_type}'."),
        );
    }
    let (client_id, secret) = credentials(&form, headers);
    let Some(client_id) = client_id else {
        return missing("client_id");
    };
    if client_id != config.client_id {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700_016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."
            ),
        );
    }
    let resource = match version {
        Version::V2 => {
            let Some(scope) = form.get("scope") else {
                return missing("scope");
            };
            if scope.split_whitespace().count() != 1 || !scope.ends_with("/.default") {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    70_011,
                    &format!(
                        "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid. The client credentials grant needs a single scope ending in '/.default'."
                    ),
                );
            }
            scope.trim_end_matches("/.default").to_owned()
        }
        Version::V1 => {
            let Some(resource) = form.get("resource") else {
                return missing("resource");
            };
            resource.clone()
        }
    };
    let Some(secret) = secret else {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_216,
            "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
        );
    };
    if secret != config.client_secret {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_215,
            &format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        );
    }
    let token = format!(
        "fgemu.{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let lifetime = config.token_lifetime;
    shared
        .lock()
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    let seconds = lifetime.as_secs();
    let body = match version {
        Version::V2 => json!({
            "token_type": "Bearer",
            "expires_in": seconds,
            "ext_expires_in": seconds,
            "access_token": token,
        }),
        Version::V1 => {
            let now = chrono::Utc::now().timestamp();
            let expires_on = now + i64::try_from(seconds).unwrap_or(0);
            // Entra's v1 endpoint answers these numbers as strings.
            json!({
                "token_type": "Bearer",
                "expires_in": seconds.to_string(),
                "ext_expires_in": seconds.to_string(),
                "expires_on": expires_on.to_string(),
                "not_before": now.to_string(),
                "resource": resource,
                "access_token": token,
            })
        }
    };
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}
