//! Alerts: list, get (with `$expand=evidence`), update, the alert's machine, and
//! CreateAlertByReference.

use super::*;

pub(super) fn strip_evidence(mut alert: Map<String, Value>, expand: bool) -> Map<String, Value> {
    if !expand {
        alert.insert("evidence".into(), json!([]));
    }
    alert
}

pub(super) fn wants_evidence(query: &HashMap<String, String>) -> bool {
    query.get("$expand").is_some_and(|e| {
        e.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case("evidence"))
    })
}

pub(super) async fn list_alerts(
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

pub(super) fn find_alert(shared: &Shared, id: &str) -> Result<Map<String, Value>, ApiError> {
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
pub(super) async fn get_alert(
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

pub(super) const ALERT_STATUSES: [&str; 3] = ["New", "InProgress", "Resolved"];
pub(super) const CLASSIFICATIONS: [&str; 3] = [
    "TruePositive",
    "InformationalExpectedActivity",
    "FalsePositive",
];
pub(super) const DETERMINATIONS: [&str; 16] = [
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

pub(super) async fn patch_alert(
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

pub(super) async fn alert_machine(
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

/// `POST /api/alerts/CreateAlertByReference`. The emulator has no event store, so any event on a
/// known machine "matches"; an open alert with the same title on the same machine is returned
/// instead of a new one, as documented.
pub(super) async fn create_alert_by_reference(
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
