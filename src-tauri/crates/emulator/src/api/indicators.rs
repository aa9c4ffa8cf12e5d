//! Indicators: `POST /api/indicators`.

use super::*;

pub(super) const INDICATOR_TYPES: [&str; 7] = [
    "FileSha1",
    "FileMd5",
    "CertificateThumbprint",
    "FileSha256",
    "IpAddress",
    "DomainName",
    "Url",
];
pub(super) const INDICATOR_ACTIONS: [&str; 7] = [
    "Alert",
    "Warn",
    "Block",
    "Audit",
    "BlockAndRemediate",
    "AlertAndBlock",
    "Allowed",
];

pub(super) fn validate_indicator_value(kind: &str, value: &str) -> Result<(), ApiError> {
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

pub(super) async fn post_indicator(
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
