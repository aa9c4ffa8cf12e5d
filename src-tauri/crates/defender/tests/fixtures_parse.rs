//! Every response Microsoft publishes (copied byte-identical into `tests/fixtures/`)
//! parses into our entities, serializes back to the documented names, and the request fixtures
//! match what we send.

use flowguard_defender::entities::{
    Alert, AlertStatus, AlertUpdate, Classification, Determination, ErrorBody, HuntingRequest,
    HuntingResponse, IsolateRequest, IsolationType, MachineAction, MachineActionStatus,
    MachineActionType, OData, Severity, TokenResponse,
};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Every key of `original` that holds a non-null value is present after a round trip.
fn assert_keys_survive(original: &Value, written: &Value) {
    let Value::Object(original) = original else {
        return;
    };
    for (key, value) in original {
        if value.is_null() {
            continue;
        }
        assert!(
            written.get(key).is_some(),
            "key {key} lost in the round trip: {written}"
        );
    }
}

#[test]
fn get_alert_response_parses_with_evidence() {
    let text = fixture("get-alert.response.json");
    let alert: Alert = serde_json::from_str(&text).unwrap();
    assert_eq!(alert.id, "da637472900382838869_1364969609");
    assert_eq!(alert.incident_id, Some(1_126_093));
    assert_eq!(alert.severity, Severity::Low);
    assert_eq!(alert.status, AlertStatus::New);
    assert_eq!(alert.mitre_techniques, ["T1064", "T1085", "T1220"]);
    assert_eq!(
        alert
            .related_user
            .as_ref()
            .and_then(|user| user.user_name.as_deref()),
        Some("temp123")
    );
    assert_eq!(alert.comments.len(), 1);
    assert_eq!(alert.evidence.len(), 3);
    assert_eq!(alert.evidence[1].entity_type, "Process");
    assert_eq!(alert.evidence[1].process_id, Some(3276));
    assert_eq!(
        alert.evidence[2].file_name.as_deref(),
        Some("suspicious.dll")
    );
    let written = serde_json::to_value(&alert).unwrap();
    assert_keys_survive(&serde_json::from_str(&text).unwrap(), &written);
    let again: Alert = serde_json::from_value(written).unwrap();
    assert_eq!(again, alert);
}

#[test]
fn machine_action_responses_parse_with_both_spellings() {
    for name in ["isolate.response.json", "machine-action.response.json"] {
        let text = fixture(name);
        let action: OData<MachineAction> = serde_json::from_str(&text).unwrap();
        assert!(
            action
                .context
                .as_deref()
                .unwrap()
                .ends_with("#MachineActions/$entity"),
            "{name}"
        );
        assert_eq!(action.entity.action_type, MachineActionType::Isolate);
        assert!(action.entity.last_update_date_time_utc.is_some(), "{name}");
        assert!(action.entity.creation_date_time_utc.is_some(), "{name}");
        let written = serde_json::to_value(&action).unwrap();
        assert!(written.get("lastUpdateDateTimeUtc").is_some());
        assert!(written.get("@odata.context").is_some());
    }
    let succeeded: MachineAction =
        serde_json::from_str(&fixture("machine-action.response.json")).unwrap();
    assert_eq!(succeeded.status, MachineActionStatus::Succeeded);
    assert_eq!(succeeded.scope.as_deref(), Some("Selective"));
}

#[test]
fn error_body_parses() {
    let body: ErrorBody = serde_json::from_str(&fixture("error.resource-not-found.json")).unwrap();
    assert_eq!(body.error.code, "ResourceNotFound");
    assert_eq!(body.error.message, "Machine 123123123 was not found");
    assert_eq!(
        body.error.target.as_deref(),
        Some("43f4cb08-8fac-4b65-9db1-745c2ae65f3a")
    );
}

#[test]
fn advanced_query_request_and_response_parse() {
    let request: HuntingRequest =
        serde_json::from_str(&fixture("advanced-query.request.json")).unwrap();
    assert!(request.query.starts_with("DeviceProcessEvents"));
    let response: HuntingResponse =
        serde_json::from_str(&fixture("advanced-query.response.json")).unwrap();
    assert_eq!(response.schema.len(), 4);
    assert_eq!(response.schema[0].name, "Timestamp");
    assert_eq!(response.schema[0].column_type, "DateTime");
    assert_eq!(response.results.len(), 2);
    assert_eq!(response.results[0]["FileName"], "csc.exe");
    let written = serde_json::to_value(&response).unwrap();
    assert_eq!(
        written,
        serde_json::from_str::<Value>(&fixture("advanced-query.response.json")).unwrap()
    );
}

#[test]
fn token_response_parses() {
    let token: TokenResponse = serde_json::from_str(&fixture("token.response.json")).unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 3599);
    assert!(token.access_token.starts_with("eyJ0"));
}

#[test]
fn request_fixtures_match_our_bodies() {
    let isolate: IsolateRequest = serde_json::from_str(&fixture("isolate.request.json")).unwrap();
    assert_eq!(isolate.isolation_type, IsolationType::Full);
    assert_eq!(
        serde_json::to_value(&isolate).unwrap(),
        serde_json::from_str::<Value>(&fixture("isolate.request.json")).unwrap()
    );
    let update: AlertUpdate = serde_json::from_str(&fixture("update-alert.request.json")).unwrap();
    assert_eq!(update.status, Some(AlertStatus::Resolved));
    assert_eq!(update.classification, Some(Classification::FalsePositive));
    assert_eq!(update.determination, Some(Determination::Malware));
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        serde_json::from_str::<Value>(&fixture("update-alert.request.json")).unwrap()
    );
}

#[test]
fn every_fixture_is_read_by_a_test_and_every_test_fixture_exists() {
    // The fixtures are the crate's own copies (see tests/fixtures/README.md); a test never
    // reads a path outside the repository.
    let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = include_str!("fixtures_parse.rs");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&local).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            assert!(
                source.contains(&format!("\"{name}\"")),
                "tests/fixtures/{name} is not read by any test"
            );
            serde_json::from_str::<Value>(&fixture(&name))
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            names.push(name);
        }
    }
    assert!(names.len() >= 9, "the fixtures are missing: {names:?}");
    for quoted in source.split("fixture(\"").skip(1) {
        let name = quoted.split('"').next().unwrap();
        if name.ends_with(".json") {
            assert!(
                local.join(name).is_file(),
                "tests/fixtures/{name} is missing"
            );
        }
    }
}
