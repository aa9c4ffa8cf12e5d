//! Machine actions: isolate, release and the other actions on a machine, list, get, cancel,
//! and an investigation package's download URI.

use super::*;

pub(super) async fn machine_action(
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

pub(super) async fn list_actions(
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

pub(super) async fn get_action(
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

pub(super) async fn cancel_action(
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

/// `GET /api/machineactions/{id}/getPackageUri`: a (fake) download link once a
/// CollectInvestigationPackage action has succeeded.
pub(super) async fn package_uri(
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
