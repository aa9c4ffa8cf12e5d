//! Machines: list, get, a machine's alerts and its tags.

use super::*;

pub(super) async fn list_machines(
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

pub(super) async fn get_machine(
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

/// `GET /api/machines/{id}/alerts`: the machine's alerts, oldest first.
pub(super) async fn machine_alerts(
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
pub(super) async fn machine_tags(
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
