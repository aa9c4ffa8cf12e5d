//! The Defender endpoints under `/api/` and `/api/v1.0/`, the guard in front of them (request
//! log, faults, bearer token, quotas) and the router of the whole HTTP server.

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

const MALFORMED_BODY: &str = "{\"@odata.context\":\"$metadata#Alerts\",\"value\":[{\"id\":\"da6374";

fn malformed(status: StatusCode) -> Response {
    let mut response = (status, MALFORMED_BODY).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn take_fault(shared: &Shared, method: &Method, path: &str) -> Option<FaultSpec> {
    let mut inner = shared.lock();
    let fault = inner.faults.iter_mut().find(|f| {
        f.count > 0
            && path.contains(&f.path_contains)
            && f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    })?;
    fault.count -= 1;
    let taken = fault.clone();
    inner.faults.retain(|f| f.count > 0);
    Some(taken)
}

fn check_token(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let unauthorized =
        |message: &str| ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(
            "Authorization header is missing: send 'Authorization: Bearer <token>'",
        ));
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return Err(unauthorized(
            "The Authorization header must use the Bearer scheme",
        ));
    };
    let inner = shared.lock();
    match inner.tokens.get(token.trim()) {
        None => Err(unauthorized("The access token is invalid")),
        Some(expiry) if *expiry <= Instant::now() => {
            Err(unauthorized("The access token has expired"))
        }
        Some(_) => Ok(()),
    }
}

fn check_quota(shared: &Shared, hunting: bool) -> Result<(), ApiError> {
    let Some(quota) = &shared.config.quota else {
        return Ok(());
    };
    let now = Instant::now();
    let minute = quota.minute_window();
    let hour = quota.hour_window();
    let mut inner = shared.lock();
    let counters = &mut inner.quota;
    for (queue, window) in [
        (&mut counters.minute, minute),
        (&mut counters.hour, hour),
        (&mut counters.hunting, minute),
    ] {
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            queue.pop_front();
        }
    }
    let mut limits = vec![
        (&counters.minute, quota.per_minute, minute, "minute"),
        (&counters.hour, quota.per_hour, hour, "hour"),
    ];
    if hunting {
        limits.push((
            &counters.hunting,
            quota.hunting_per_minute,
            minute,
            "minute (advanced hunting)",
        ));
    }
    for (queue, limit, window, name) in limits {
        if queue.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            let wait = queue
                .front()
                .map_or(window, |t| window.saturating_sub(now.duration_since(*t)));
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "Rate limit is exceeded: {limit} calls per {name}. Try again in {} seconds.",
                    seconds.max(1)
                ),
            );
            error.retry_after = Some(seconds.max(1));
            return Err(error);
        }
    }
    counters.minute.push_back(now);
    counters.hour.push_back(now);
    if hunting {
        counters.hunting.push_back(now);
    }
    Ok(())
}

/// In front of every API route: logs the call, applies faults, checks the bearer token and quotas.
async fn guard(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let time = fmt_time(seed::now());
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let logged_body =
        if matches!(method, Method::POST | Method::PATCH | Method::PUT) && !bytes.is_empty() {
            Some(RequestBody::from_bytes(&bytes))
        } else {
            None
        };
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = guarded(&shared, &method, &path, request, next).await;
    shared.record(RequestRecord {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        time,
        body: logged_body,
    });
    response
}

async fn guarded(
    shared: &Shared,
    method: &Method,
    path: &str,
    request: Request,
    next: Next,
) -> Response {
    let fault = take_fault(shared, method, path);
    if let Some(fault) = &fault {
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        if let Some(status) = fault.status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = if fault.malformed_body {
                malformed(status)
            } else {
                let message = if status == StatusCode::TOO_MANY_REQUESTS {
                    "Rate limit is exceeded (injected fault)"
                } else {
                    "Injected fault"
                };
                ApiError::new(status, status_code_name(status), message).into_response()
            };
            let retry_after = fault
                .retry_after
                .or((status == StatusCode::TOO_MANY_REQUESTS).then_some(1));
            if let Some(seconds) = retry_after
                && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    }
    if let Err(error) = check_token(shared, request.headers()) {
        let mut response = error.into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    if let Err(error) = check_quota(
        shared,
        path.to_ascii_lowercase().contains("/advancedqueries"),
    ) {
        return error.into_response();
    }
    let response = next.run(request).await;
    if fault.is_some_and(|f| f.malformed_body) {
        return malformed(response.status());
    }
    response
}

fn parse_query(raw: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect()
}

struct Paging {
    filter: Option<odata::Expr>,
    top: usize,
    skip: usize,
    /// `$orderby` clauses: property, kind, descending.
    order: Vec<(&'static str, Kind, bool)>,
    /// `$select`ed properties, if any.
    select: Option<Vec<String>>,
    /// `$count=true`.
    count: bool,
}

impl Paging {
    fn compare(&self, a: &Map<String, Value>, b: &Map<String, Value>) -> std::cmp::Ordering {
        for (field, kind, descending) in &self.order {
            let ordering = odata::compare_values(*kind, a.get(*field), b.get(*field));
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering.is_ne() {
                return ordering;
            }
        }
        std::cmp::Ordering::Equal
    }

    /// Sorts (when `$orderby` is given), pages and projects the matching items.
    fn window(
        &self,
        mut matching: Vec<&Map<String, Value>>,
        transform: impl Fn(Map<String, Value>) -> Map<String, Value>,
    ) -> (Vec<Value>, usize) {
        if !self.order.is_empty() {
            matching.sort_by(|a, b| self.compare(a, b));
        }
        let total = matching.len();
        let items = matching
            .into_iter()
            .skip(self.skip)
            .take(self.top)
            .map(|item| {
                let mut item = transform(item.clone());
                if let Some(select) = &self.select {
                    item.retain(|key, _| select.iter().any(|s| s == key));
                }
                Value::Object(item)
            })
            .collect();
        (items, total)
    }
}

fn paging(
    query: &HashMap<String, String>,
    fields: &[(&'static str, Kind)],
) -> Result<Paging, ApiError> {
    let filter = match query.get("$filter") {
        Some(text) => Some(
            odata::parse(text, fields)
                .map_err(|e| ApiError::odata(format!("Invalid filter clause: {e}")))?,
        ),
        None => None,
    };
    let number = |name: &str| -> Result<Option<usize>, ApiError> {
        query
            .get(name)
            .map(|v| {
                v.trim().parse::<usize>().map_err(|_| {
                    ApiError::odata(format!(
                        "Invalid value '{v}' for {name}: expected a non-negative integer"
                    ))
                })
            })
            .transpose()
    };
    let top = number("$top")?.unwrap_or(MAX_TOP).min(MAX_TOP);
    let skip = number("$skip")?.unwrap_or(0);
    let mut order = Vec::new();
    if let Some(text) = query.get("$orderby") {
        for clause in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let mut words = clause.split_whitespace();
            let name = words.next().unwrap_or_default();
            let Some(&(field, kind)) = fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(name))
            else {
                return Err(ApiError::odata(format!(
                    "Could not find a property named '{name}' to order by"
                )));
            };
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(ApiError::odata(format!(
                        "Invalid $orderby direction '{other}': use asc or desc"
                    )));
                }
            };
            order.push((field, kind, descending));
        }
    }
    let select = query.get("$select").map(|s| {
        s.split(',')
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect()
    });
    let count = query
        .get("$count")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"));
    Ok(Paging {
        filter,
        top,
        skip,
        order,
        select,
        count,
    })
}

/// `http://host` as the caller sees it (the Host header), so that links work through any name.
fn origin(shared: &Shared, headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| shared.base_url.clone(), |host| format!("http://{host}"))
}

fn context(shared: &Shared, headers: &HeaderMap, path: &str, entity: &str) -> String {
    let version = if path.starts_with("/api/v1.0") {
        "/api/v1.0"
    } else {
        "/api"
    };
    format!("{}{version}/$metadata#{entity}", origin(shared, headers))
}

/// A list page, with `@odata.nextLink` when more items remain.
#[allow(clippy::too_many_arguments)]
fn page(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    query: &HashMap<String, String>,
    entity: &str,
    items: Vec<Value>,
    total: usize,
    paging: &Paging,
) -> Response {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(shared, headers, path, entity)),
    );
    if paging.count {
        body.insert("@odata.count".into(), json!(total));
    }
    body.insert("value".into(), Value::Array(items));
    let next_skip = paging.skip.saturating_add(paging.top);
    if paging.top > 0 && next_skip < total {
        let mut params: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| k.as_str() != "$skip" && k.as_str() != "$top")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        params.sort();
        params.push(("$top".into(), paging.top.to_string()));
        params.push(("$skip".into(), next_skip.to_string()));
        let encoded: Vec<String> = params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        body.insert(
            "@odata.nextLink".into(),
            json!(format!(
                "{}{path}?{}",
                origin(shared, headers),
                encoded.join("&")
            )),
        );
    }
    json_response(StatusCode::OK, Value::Object(body))
}

fn entity(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    entity_set: &str,
    mut object: Map<String, Value>,
) -> Value {
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        json!(context(shared, headers, path, entity_set)),
    );
    out.append(&mut object);
    Value::Object(out)
}

fn strip_evidence(mut alert: Map<String, Value>, expand: bool) -> Map<String, Value> {
    if !expand {
        alert.insert("evidence".into(), json!([]));
    }
    alert
}

fn wants_evidence(query: &HashMap<String, String>) -> bool {
    query.get("$expand").is_some_and(|e| {
        e.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case("evidence"))
    })
}

async fn list_alerts(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let query = parse_query(raw.as_deref());
    let paging = paging(&query, &odata::ALERT_FIELDS)?;
    let expand = wants_evidence(&query);
    let (items, total) = {
        let inner = shared.lock();
        let matching = inner
            .world
            .alerts
            .iter()
            .map(|a| &a.json)
            .filter(|a| paging.filter.as_ref().is_none_or(|f| odata::eval(f, a)))
            .collect();
        paging.window(matching, |a| strip_evidence(a, expand))
    };
    Ok(page(
        &shared,
        &headers,
        uri.path(),
        &query,
        "Alerts",
        items,
        total,
        &paging,
    ))
}

fn find_alert(shared: &Shared, id: &str) -> Result<Map<String, Value>, ApiError> {
    let inner = shared.lock();
    inner
        .world
        .alerts
        .iter()
        .find(|a| a.json.get("id").and_then(Value::as_str) == Some(id))
        .map(|a| a.json.clone())
        .ok_or_else(|| ApiError::not_found("Alert", id))
}

/// A single alert always carries its evidence, as in the published sample.
async fn get_alert(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let alert = find_alert(&shared, &id)?;
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Alerts/$entity", alert),
    ))
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

const ALERT_STATUSES: [&str; 3] = ["New", "InProgress", "Resolved"];
const CLASSIFICATIONS: [&str; 3] = [
    "TruePositive",
    "InformationalExpectedActivity",
    "FalsePositive",
];
const DETERMINATIONS: [&str; 16] = [
    "MultiStagedAttack",
    "MaliciousUserActivity",
    "CompromisedUser",
    "Malware",
    "Phishing",
    "UnwantedSoftware",
    "SecurityTesting",
    "LineOfBusinessApplication",
    "ConfirmedActivity",
    "ConfirmedUserActivity",
    "NotMalicious",
    "Clean",
    "InsufficientData",
    "Apt",
    "SecurityPersonnel",
    "Other",
];

async fn patch_alert(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let body = parse_object(&bytes)?;
    let known = [
        "status",
        "assignedTo",
        "classification",
        "determination",
        "comment",
    ];
    check_case(&body, &known)?;
    if let Some(unknown) = body.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            "InvalidRequestBody",
            format!(
                "Unknown parameter '{unknown}'. Updatable properties: {}",
                known.join(", ")
            ),
        ));
    }
    let status = enum_value(&body, "status", &ALERT_STATUSES)?;
    let classification = enum_value(&body, "classification", &CLASSIFICATIONS)?;
    let determination = enum_value(&body, "determination", &DETERMINATIONS)?;
    let now = seed::now();
    let mut inner = shared.lock();
    let alert = inner
        .world
        .alerts
        .iter_mut()
        .find(|a| a.json.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .ok_or_else(|| ApiError::not_found("Alert", &id))?;
    let json = &mut alert.json;
    if let Some(status) = status {
        if status == "Resolved" {
            json.insert("resolvedTime".into(), json!(fmt_time(now)));
        } else {
            json.insert("resolvedTime".into(), Value::Null);
        }
        json.insert("status".into(), json!(status));
    }
    if let Some(value) = body.get("assignedTo") {
        json.insert("assignedTo".into(), value.clone());
    }
    if let Some(value) = classification {
        json.insert("classification".into(), json!(value));
    }
    if let Some(value) = determination {
        json.insert("determination".into(), json!(value));
    }
    if let Some(Value::String(comment)) = body.get("comment") {
        let entry = json!({ "comment": comment, "createdBy": shared.config.client_id, "createdTime": fmt_time(now) });
        if let Some(Value::Array(comments)) = json.get_mut("comments") {
            comments.push(entry);
        } else {
            json.insert("comments".into(), json!([entry]));
        }
    }
    json.insert("lastUpdateTime".into(), json!(fmt_time(now)));
    let updated = json.clone();
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Alerts/$entity", updated),
    ))
}

async fn alert_machine(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let alert = find_alert(&shared, &id)?;
    let machine_id = alert
        .get("machineId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let inner = shared.lock();
    let index = inner
        .world
        .machine_index(&machine_id)
        .ok_or_else(|| ApiError::not_found("Machine", &machine_id))?;
    let machine = inner
        .world
        .render_machine(index, seed::now(), shared.config.action_delay);
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Machines/$entity", machine),
    ))
}

async fn list_machines(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let query = parse_query(raw.as_deref());
    let paging = paging(&query, &odata::MACHINE_FIELDS)?;
    let now = seed::now();
    let inner = shared.lock();
    let matching: Vec<Map<String, Value>> = (0..inner.world.machines.len())
        .map(|i| {
            inner
                .world
                .render_machine(i, now, shared.config.action_delay)
        })
        .filter(|m| paging.filter.as_ref().is_none_or(|f| odata::eval(f, m)))
        .collect();
    drop(inner);
    let (items, total) = paging.window(matching.iter().collect(), |m| m);
    Ok(page(
        &shared,
        &headers,
        uri.path(),
        &query,
        "Machines",
        items,
        total,
        &paging,
    ))
}

async fn get_machine(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let inner = shared.lock();
    let index = inner
        .world
        .machine_index(&id)
        .ok_or_else(|| ApiError::not_found("Machine", &id))?;
    let machine = inner
        .world
        .render_machine(index, seed::now(), shared.config.action_delay);
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Machines/$entity", machine),
    ))
}

async fn machine_action(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path((id, action)): Path<(String, String)>,
    bytes: Bytes,
) -> ApiResult {
    let kind = match action.to_ascii_lowercase().as_str() {
        "isolate" => "Isolate",
        "unisolate" => "Unisolate",
        "runantivirusscan" => "RunAntiVirusScan",
        "collectinvestigationpackage" => "CollectInvestigationPackage",
        "restrictcodeexecution" => "RestrictCodeExecution",
        "unrestrictcodeexecution" => "UnrestrictCodeExecution",
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("No route for POST {}", uri.path()),
            ));
        }
    };
    let body = parse_object(&bytes)?;
    let comment = required_str(&body, "Comment")?;
    let scope = match kind {
        "Isolate" => {
            check_case(&body, &["Comment", "IsolationType"])?;
            Some(
                enum_value(
                    &body,
                    "IsolationType",
                    &["Full", "Selective", "UnManagedDevice"],
                )?
                .unwrap_or_else(|| "Full".to_owned()),
            )
        }
        "RunAntiVirusScan" => {
            check_case(&body, &["Comment", "ScanType"])?;
            let scan = enum_value(&body, "ScanType", &["Quick", "Full"])?;
            Some(scan.ok_or_else(|| {
                ApiError::bad_request(
                    "MissingRequiredParameter",
                    "The required parameter 'ScanType' is missing",
                )
            })?)
        }
        _ => {
            check_case(&body, &["Comment"])?;
            None
        }
    };
    let now = seed::now();
    let delay = shared.config.action_delay;
    let mut inner = shared.lock();
    let index = inner
        .world
        .machine_index(&id)
        .ok_or_else(|| ApiError::not_found("Machine", &id))?;
    let machine = &inner.world.machines[index];
    let machine_id = machine
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let dns_name = machine
        .get("computerDnsName")
        .cloned()
        .unwrap_or(Value::Null);
    let busy = inner.world.actions.iter().any(|a| {
        a.machine_id == machine_id
            && a.kind == kind
            && matches!(status_of(a, now, delay).0, "Pending" | "InProgress")
    });
    if busy {
        return Err(ApiError::bad_request(
            "BadRequest",
            "Action is already in progress",
        ));
    }
    let action_id = uuid::Uuid::new_v4().to_string();
    let json = json!({
        "id": action_id,
        "type": kind,
        "scope": scope,
        "requestor": shared.config.client_id,
        "requestorComment": comment,
        "status": "Pending",
        "machineId": machine_id,
        "computerDnsName": dns_name,
        "creationDateTimeUtc": fmt_time(now),
        "lastUpdateDateTimeUtc": fmt_time(now),
        "relatedFileInfo": Value::Null,
    });
    let Value::Object(json) = json else {
        unreachable!("json! object")
    };
    let kind_static = crate::state::ACTION_TYPES
        .iter()
        .copied()
        .find(|k| *k == kind)
        .unwrap_or("Isolate");
    inner.world.actions.push(ActionRec {
        json: json.clone(),
        kind: kind_static,
        machine_id,
        created: now,
        cancelled: None,
    });
    drop(inner);
    Ok(json_response(
        StatusCode::CREATED,
        entity(
            &shared,
            &headers,
            uri.path(),
            "MachineActions/$entity",
            json,
        ),
    ))
}

async fn list_actions(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let query = parse_query(raw.as_deref());
    let paging = paging(&query, &odata::ACTION_FIELDS)?;
    let now = seed::now();
    let inner = shared.lock();
    let matching: Vec<Map<String, Value>> = inner
        .world
        .actions
        .iter()
        .rev()
        .map(|a| render_action(a, now, shared.config.action_delay))
        .filter(|a| paging.filter.as_ref().is_none_or(|f| odata::eval(f, a)))
        .collect();
    drop(inner);
    let (items, total) = paging.window(matching.iter().collect(), |m| m);
    Ok(page(
        &shared,
        &headers,
        uri.path(),
        &query,
        "MachineActions",
        items,
        total,
        &paging,
    ))
}

async fn get_action(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let inner = shared.lock();
    let action = inner
        .world
        .actions
        .iter()
        .find(|a| {
            a.json
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(&id))
        })
        .map(|a| render_action(a, seed::now(), shared.config.action_delay))
        .ok_or_else(|| ApiError::not_found("MachineAction", &id))?;
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(
            &shared,
            &headers,
            uri.path(),
            "MachineActions/$entity",
            action,
        ),
    ))
}

async fn cancel_action(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let body = parse_object(&bytes)?;
    let comment = required_str(&body, "Comment")?;
    check_case(&body, &["Comment"])?;
    let now = seed::now();
    let delay = shared.config.action_delay;
    let mut inner = shared.lock();
    let action = inner
        .world
        .actions
        .iter_mut()
        .find(|a| {
            a.json
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(&id))
        })
        .ok_or_else(|| ApiError::not_found("MachineAction", &id))?;
    let (status, _) = status_of(action, now, delay);
    if !matches!(status, "Pending" | "InProgress") {
        return Err(ApiError::bad_request(
            "BadRequest",
            format!("Action {id} cannot be cancelled: its status is {status}"),
        ));
    }
    action.cancelled = Some(now);
    action.json.insert(
        "cancellationRequestor".into(),
        json!(shared.config.client_id),
    );
    action
        .json
        .insert("cancellationComment".into(), json!(comment));
    action
        .json
        .insert("cancellationDateTimeUtc".into(), json!(fmt_time(now)));
    let rendered = render_action(action, now, delay);
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(
            &shared,
            &headers,
            uri.path(),
            "MachineActions/$entity",
            rendered,
        ),
    ))
}

async fn run_query(State(shared): State<AppState>, bytes: Bytes) -> ApiResult {
    let body = parse_object(&bytes)?;
    let query = required_str(&body, "Query")?;
    check_case(&body, &["Query"])?;
    let lower = query.to_ascii_lowercase();
    let limit = ["take", "limit", "top"]
        .iter()
        .find_map(|word| {
            let rest = lower.split(&format!("{word} ")).nth(1)?;
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        })
        .unwrap_or(100_000);
    if lower.contains("deviceinfo") {
        let now = seed::now();
        let inner = shared.lock();
        let results: Vec<Value> = inner
            .world
            .machines
            .iter()
            .take(limit)
            .map(|m| {
                let id = m.get("id").and_then(Value::as_str).unwrap_or_default();
                json!({
                    "Timestamp": fmt_time(now),
                    "DeviceId": id,
                    "DeviceName": m.get("computerDnsName"),
                    "OSPlatform": m.get("osPlatform"),
                    "OSVersion": m.get("version"),
                    "PublicIP": m.get("lastExternalIpAddress"),
                    "MachineGroup": m.get("rbacGroupName"),
                    "IsolationState": inner.world.isolation_state(id, now, shared.config.action_delay),
                })
            })
            .collect();
        drop(inner);
        let schema = [
            ("Timestamp", "DateTime"),
            ("DeviceId", "String"),
            ("DeviceName", "String"),
            ("OSPlatform", "String"),
            ("OSVersion", "String"),
            ("PublicIP", "String"),
            ("MachineGroup", "String"),
            ("IsolationState", "String"),
        ];
        let schema: Vec<Value> = schema
            .iter()
            .map(|(n, t)| json!({"Name": n, "Type": t}))
            .collect();
        return Ok(json_response(
            StatusCode::OK,
            json!({ "Schema": schema, "Results": results }),
        ));
    }
    let schema = json!([
        {"Name": "Timestamp", "Type": "DateTime"},
        {"Name": "FileName", "Type": "String"},
        {"Name": "InitiatingProcessFileName", "Type": "String"},
        {"Name": "DeviceId", "Type": "String"}
    ]);
    Ok(json_response(
        StatusCode::OK,
        json!({ "Schema": schema, "Results": [] }),
    ))
}

const INDICATOR_TYPES: [&str; 7] = [
    "FileSha1",
    "FileMd5",
    "CertificateThumbprint",
    "FileSha256",
    "IpAddress",
    "DomainName",
    "Url",
];
const INDICATOR_ACTIONS: [&str; 7] = [
    "Alert",
    "Warn",
    "Block",
    "Audit",
    "BlockAndRemediate",
    "AlertAndBlock",
    "Allowed",
];

fn validate_indicator_value(kind: &str, value: &str) -> Result<(), ApiError> {
    let hex_of = |len: usize| value.len() == len && value.chars().all(|c| c.is_ascii_hexdigit());
    let (ok, code) = match kind {
        "FileSha1" | "CertificateThumbprint" => (hex_of(40), "InvalidHashValue"),
        "FileMd5" => (hex_of(32), "InvalidHashValue"),
        "FileSha256" => (hex_of(64), "InvalidHashValue"),
        "IpAddress" => (
            value.parse::<std::net::IpAddr>().is_ok(),
            "InvalidIpAddress",
        ),
        "DomainName" => (
            value.contains('.') && !value.contains(['/', ' ', ':']),
            "InvalidDomainName",
        ),
        _ => (!value.contains(' ') && value.contains('.'), "InvalidUrl"),
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            code,
            format!("'{value}' is not a valid {kind}"),
        ))
    }
}

async fn post_indicator(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    bytes: Bytes,
) -> ApiResult {
    let mut body = parse_object(&bytes)?;
    let known = [
        "indicatorValue",
        "indicatorType",
        "action",
        "application",
        "title",
        "description",
        "expirationTime",
        "severity",
        "recommendedActions",
        "rbacGroupNames",
        "educateUrl",
        "generateAlert",
    ];
    check_case(&body, &known)?;
    let value = required_str(&body, "indicatorValue")?;
    let kind = required_str(&body, "indicatorType")?;
    let action = required_str(&body, "action")?;
    required_str(&body, "title")?;
    required_str(&body, "description")?;
    let kind = enum_value(&body, "indicatorType", &INDICATOR_TYPES)?.unwrap_or(kind);
    let action = enum_value(&body, "action", &INDICATOR_ACTIONS)?.unwrap_or(action);
    enum_value(&body, "severity", &seed::SEVERITIES)?;
    validate_indicator_value(&kind, &value)?;
    if action == "Audit" && body.get("generateAlert") != Some(&Value::Bool(true)) {
        return Err(ApiError::bad_request(
            "InvalidRequestBody",
            "generateAlert must be true when action is Audit",
        ));
    }
    let now = fmt_time(seed::now());
    let mut inner = shared.lock();
    let id = inner.world.indicators.len() + 1;
    body.insert("id".into(), json!(id.to_string()));
    body.insert("indicatorType".into(), json!(kind));
    body.insert("action".into(), json!(action));
    body.insert("source".into(), json!(shared.config.client_id));
    body.insert("sourceType".into(), json!("AadApp"));
    body.insert("createdBy".into(), json!(shared.config.client_id));
    body.insert("createdBySource".into(), json!("PublicApi"));
    body.insert("creationTimeDateTimeUtc".into(), json!(now));
    body.insert("lastUpdateTime".into(), json!(now));
    body.insert("lastUpdatedBy".into(), json!(shared.config.client_id));
    body.entry("severity").or_insert(json!("Informational"));
    body.entry("expirationTime").or_insert(Value::Null);
    body.entry("generateAlert").or_insert(json!(false));
    inner.world.indicators.push(Value::Object(body.clone()));
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Indicators/$entity", body),
    ))
}

/// `POST /api/alerts/CreateAlertByReference`. The emulator has no event store, so any event on a
/// known machine "matches"; an open alert with the same title on the same machine is returned
/// instead of a new one, as documented.
async fn create_alert_by_reference(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    bytes: Bytes,
) -> ApiResult {
    let body = parse_object(&bytes)?;
    let known = [
        "machineId",
        "severity",
        "title",
        "description",
        "recommendedAction",
        "eventTime",
        "reportId",
        "category",
    ];
    check_case(&body, &known)?;
    let mut fields = Map::new();
    for name in known {
        let value = match body.get(name) {
            Some(Value::Number(n)) if name == "reportId" => n.to_string(),
            _ => required_str(&body, name)?,
        };
        fields.insert(name.to_owned(), json!(value));
    }
    let severity = enum_value(&body, "severity", &seed::SEVERITIES)?.unwrap_or_default();
    let event_time = fields["eventTime"].as_str().unwrap_or_default().to_owned();
    if seed::parse_time(&event_time).is_none() {
        return Err(ApiError::bad_request(
            "InvalidInput",
            format!("'{event_time}' is not a valid eventTime"),
        ));
    }
    let machine_id = fields["machineId"].as_str().unwrap_or_default().to_owned();
    let title = fields["title"].as_str().unwrap_or_default().to_owned();
    let mut inner = shared.lock();
    let index = inner
        .world
        .machine_index(&machine_id)
        .ok_or_else(|| ApiError::not_found("Machine", &machine_id))?;
    let real_id = inner.world.machines[index]
        .get("id")
        .cloned()
        .unwrap_or(Value::Null);
    let open = inner.world.alerts.iter_mut().find(|a| {
        a.json.get("machineId") == Some(&real_id)
            && a.json.get("title").and_then(Value::as_str) == Some(title.as_str())
            && a.json.get("status").and_then(Value::as_str) != Some("Resolved")
    });
    let alert = if let Some(open) = open {
        open.json
            .insert("lastUpdateTime".into(), json!(fmt_time(seed::now())));
        open.json.clone()
    } else {
        let partial = json!({
            "machineId": real_id,
            "severity": severity,
            "title": title,
            "description": fields["description"],
            "category": fields["category"],
            "detectionSource": "CustomDetection",
            "lastEventTime": event_time,
            "firstEventTime": event_time,
            "evidence": [],
        });
        Shared::create_alert_locked(&mut inner, &shared.config, &partial)
    };
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Alerts/$entity", alert),
    ))
}

/// `GET /api/machines/{id}/alerts`: the machine's alerts, oldest first.
async fn machine_alerts(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let inner = shared.lock();
    let index = inner
        .world
        .machine_index(&id)
        .ok_or_else(|| ApiError::not_found("Machine", &id))?;
    let machine_id = inner.world.machines[index].get("id").cloned();
    let alerts: Vec<Value> = inner
        .world
        .alerts
        .iter()
        .filter(|a| a.json.get("machineId") == machine_id.as_ref())
        .map(|a| Value::Object(strip_evidence(a.json.clone(), false)))
        .collect();
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        json!({ "@odata.context": context(&shared, &headers, uri.path(), "Alerts"), "value": alerts }),
    ))
}

/// `POST /api/machines/{id}/tags` with `{"Value": "tag", "Action": "Add" | "Remove"}`.
async fn machine_tags(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let body = parse_object(&bytes)?;
    check_case(&body, &["Value", "Action"])?;
    let tag = required_str(&body, "Value")?;
    required_str(&body, "Action")?;
    let action = enum_value(&body, "Action", &["Add", "Remove"])?.unwrap_or_default();
    let now = seed::now();
    let mut inner = shared.lock();
    let index = inner
        .world
        .machine_index(&id)
        .ok_or_else(|| ApiError::not_found("Machine", &id))?;
    let machine = &mut inner.world.machines[index];
    let mut tags: Vec<Value> = machine
        .get("machineTags")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    tags.retain(|t| t.as_str() != Some(tag.as_str()));
    if action == "Add" {
        tags.push(json!(tag));
    }
    machine.insert("machineTags".into(), Value::Array(tags));
    let rendered = inner
        .world
        .render_machine(index, now, shared.config.action_delay);
    drop(inner);
    Ok(json_response(
        StatusCode::OK,
        entity(&shared, &headers, uri.path(), "Machines/$entity", rendered),
    ))
}

/// `GET /api/machineactions/{id}/getPackageUri`: a (fake) download link once a
/// CollectInvestigationPackage action has succeeded.
async fn package_uri(
    State(shared): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult {
    let inner = shared.lock();
    let action = inner
        .world
        .actions
        .iter()
        .find(|a| {
            a.json
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(&id))
        })
        .ok_or_else(|| ApiError::not_found("MachineAction", &id))?;
    let (status, _) = status_of(action, seed::now(), shared.config.action_delay);
    let kind = action.kind;
    drop(inner);
    if kind != "CollectInvestigationPackage" || status != "Succeeded" {
        return Err(ApiError::bad_request(
            "BadRequest",
            format!("No investigation package is available for action {id} ({kind}, {status})"),
        ));
    }
    Ok(json_response(
        StatusCode::OK,
        json!({
            "@odata.context": context(&shared, &headers, uri.path(), "Edm.String"),
            "value": format!("{}/_emulator/packages/{id}.zip", origin(&shared, &headers)),
        }),
    ))
}
