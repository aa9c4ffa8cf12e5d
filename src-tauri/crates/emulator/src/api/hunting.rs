//! Advanced hunting: `POST /api/advancedqueries/run`.

use super::*;

pub(super) async fn run_query(State(shared): State<AppState>, bytes: Bytes) -> ApiResult {
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
