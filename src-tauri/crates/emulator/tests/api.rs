//! The emulator over real HTTP (reqwest) and real SMTP (lettre).

use std::time::Duration;

use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle, FaultSpec, Quota};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SCOPE: &str = "https://api.securitycenter.microsoft.com/.default";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn start(config: EmulatorConfig) -> EmulatorHandle {
    tokio::time::timeout(Duration::from_secs(10), Emulator::start(config))
        .await
        .expect("start in time")
        .expect("start")
}

async fn token(http: &reqwest::Client, emu: &EmulatorHandle) -> String {
    let response = http
        .post(emu.token_url())
        .form(&[
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .expect("token call");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn new(emu: &EmulatorHandle) -> Self {
        let http = client();
        let token = token(&http, emu).await;
        Self {
            http,
            base: emu.base_url(),
            token,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let response = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("POST");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .http
            .patch(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("PATCH");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control call");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn values(body: &Value) -> &Vec<Value> {
    body["value"].as_array().expect("value array")
}

#[tokio::test]
async fn token_endpoints_check_credentials_and_answer_like_entra() {
    let emu = start(EmulatorConfig::default()).await;
    let http = client();
    let v2 = emu.token_url();

    let ok: Value = http
        .post(&v2)
        .form(&[
            ("client_id", "flowguard-demo"),
            ("client_secret", "demo-secret"),
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["token_type"], "Bearer");
    assert_eq!(ok["expires_in"], 3599);
    assert!(ok["access_token"].as_str().is_some_and(|t| t.len() > 20));

    // HTTP Basic is accepted too.
    let basic = http
        .post(&v2)
        .basic_auth("flowguard-demo", Some("demo-secret"))
        .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);

    let bad_secret = http
        .post(&v2)
        .form(&[
            ("client_id", "flowguard-demo"),
            ("client_secret", "wrong"),
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_secret.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bad_secret.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_codes"], json!([7_000_215]));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215:")
    );
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key}");
    }

    let bad_tenant = http
        .post(format!(
            "{}/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token",
            emu.base_url()
        ))
        .form(&[
            ("client_id", "flowguard-demo"),
            ("client_secret", "demo-secret"),
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_tenant.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad_tenant.json::<Value>().await.unwrap()["error_codes"],
        json!([90002])
    );

    let bad_scope = http
        .post(&v2)
        .form(&[
            ("client_id", "flowguard-demo"),
            ("client_secret", "demo-secret"),
            ("grant_type", "client_credentials"),
            (
                "scope",
                "https://api.securitycenter.microsoft.com/Machine.Read",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_scope.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad_scope.json().await.unwrap();
    assert_eq!(body["error"], "invalid_scope");
    assert_eq!(body["error_codes"], json!([70011]));

    let unknown_client = http
        .post(&v2)
        .form(&[
            ("client_id", "someone"),
            ("client_secret", "demo-secret"),
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_client.status(), StatusCode::BAD_REQUEST);

    let v1: Value = http
        .post(format!(
            "{}/{}/oauth2/token",
            emu.base_url(),
            emu.tenant_id()
        ))
        .form(&[
            ("client_id", "flowguard-demo"),
            ("client_secret", "demo-secret"),
            ("grant_type", "client_credentials"),
            ("resource", "https://api.securitycenter.microsoft.com"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["resource"], "https://api.securitycenter.microsoft.com");
    assert!(v1["expires_on"].is_string());
    let v1_token = v1["access_token"].as_str().unwrap();
    let machines = http
        .get(format!("{}/api/machines", emu.base_url()))
        .bearer_auth(v1_token)
        .send()
        .await
        .unwrap();
    assert_eq!(machines.status(), StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_get_401() {
    let emu = start(EmulatorConfig {
        token_lifetime: Duration::from_millis(1000),
        ..EmulatorConfig::default()
    })
    .await;
    let http = client();
    let url = format!("{}/api/alerts", emu.base_url());

    let missing = http.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Unauthorized");
    assert!(body["error"]["target"].is_string());

    let unknown = http.get(&url).bearer_auth("nope").send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let short = token(&http, &emu).await;
    assert_eq!(
        http.get(&url)
            .bearer_auth(&short)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = http.get(&url).bearer_auth(&short).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert!(
        expired.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // The control endpoint expires every token at once.
    let api = Api::new(&emu).await;
    assert_eq!(api.get("/api/machines").await.0, StatusCode::OK);
    let (_, expired) = api
        .control(reqwest::Method::POST, "/_emulator/tokens/expire", None)
        .await;
    assert!(expired["expired"].as_u64().unwrap() >= 1);
    assert_eq!(api.get("/api/machines").await.0, StatusCode::UNAUTHORIZED);
    emu.shutdown().await;
}

#[tokio::test]
async fn alerts_are_seeded_ordered_and_filterable() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;

    let (status, body) = api.get("/api/alerts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/api/$metadata#Alerts")
    );
    let alerts = values(&body);
    assert_eq!(alerts.len(), 40);
    assert!(body.get("@odata.nextLink").is_none());
    let times: Vec<&str> = alerts
        .iter()
        .map(|a| a["alertCreationTime"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "ascending by alertCreationTime"
    );
    for severity in ["Informational", "Low", "Medium", "High"] {
        assert!(
            alerts.iter().any(|a| a["severity"] == severity),
            "{severity}"
        );
    }
    assert!(
        alerts.iter().all(|a| a["evidence"] == json!([])),
        "no evidence without $expand"
    );
    let first = &alerts[0];
    for key in [
        "id",
        "incidentId",
        "status",
        "detectionSource",
        "category",
        "title",
        "machineId",
        "computerDnsName",
        "aadTenantId",
        "mitreTechniques",
        "relatedUser",
        "comments",
        "lastUpdateTime",
    ] {
        assert!(first.get(key).is_some(), "alert has {key}");
    }

    let (_, expanded) = api.get("/api/alerts?$expand=evidence&$top=3").await;
    assert!(
        values(&expanded)
            .iter()
            .all(|a| !a["evidence"].as_array().unwrap().is_empty())
    );

    let (_, high) = api.get("/api/alerts?$filter=severity+eq+'High'").await;
    assert!(!values(&high).is_empty());
    assert!(values(&high).iter().all(|a| a["severity"] == "High"));

    let (_, either) = api
        .get("/api/alerts?$filter=severity eq 'High' or severity eq 'Low'")
        .await;
    assert!(
        values(&either)
            .iter()
            .all(|a| a["severity"] == "High" || a["severity"] == "Low")
    );
    assert!(values(&either).len() > values(&high).len());

    let (_, combined) = api
        .get("/api/alerts?$filter=severity eq 'High' and status eq 'New'")
        .await;
    assert!(
        values(&combined)
            .iter()
            .all(|a| a["severity"] == "High" && a["status"] == "New")
    );

    let middle = times[20];
    let (_, after) = api
        .get(&format!(
            "/api/alerts?$filter=alertCreationTime gt {middle}"
        ))
        .await;
    assert_eq!(
        values(&after).len(),
        times.iter().filter(|t| **t > middle).count()
    );
    let (_, since) = api
        .get(&format!(
            "/api/alerts?$filter=alertCreationTime ge {middle}"
        ))
        .await;
    assert_eq!(values(&since).len(), values(&after).len() + 1);
    let (_, before) = api.get(&format!("/api/alerts?$filter=alertCreationTime lt {middle} and lastUpdateTime le 2100-01-01T00:00:00Z")).await;
    assert_eq!(values(&before).len(), 20);

    for bad in [
        "severity eq High",
        "nosuch eq 'x'",
        "alertCreationTime ge someday",
        "severity eq 'High' and",
    ] {
        let (status, body) = api.get(&format!("/api/alerts?$filter={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["code"], "ODataError", "{bad}");
    }

    let (_, skipped) = api.get("/api/alerts?$top=5&$skip=10").await;
    assert_eq!(values(&skipped).len(), 5);
    assert_eq!(values(&skipped)[0]["id"], alerts[10]["id"]);
    assert!(
        skipped["@odata.nextLink"]
            .as_str()
            .unwrap()
            .contains("$skip=15")
    );

    // The versioned prefix answers the same.
    let (status, v1) = api.get("/api/v1.0/alerts?$top=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(values(&v1)[0]["id"], alerts[0]["id"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn single_alert_update_and_machine() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (_, list) = api.get("/api/alerts?$top=1").await;
    let id = values(&list)[0]["id"].as_str().unwrap().to_owned();

    let (status, alert) = api.get(&format!("/api/alerts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        alert["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#Alerts/$entity")
    );
    assert!(!alert["evidence"].as_array().unwrap().is_empty());

    let (status, missing) = api.get("/api/alerts/da000_1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["error"]["code"], "ResourceNotFound");
    assert_eq!(missing["error"]["message"], "Alert da000_1 was not found");

    let (status, updated) = api
        .patch(
            &format!("/api/alerts/{id}"),
            &json!({"status": "Resolved", "assignedTo": "secop@contoso.com", "classification": "TruePositive", "determination": "Malware", "comment": "handled by flowguard"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["status"], "Resolved");
    assert_eq!(updated["classification"], "TruePositive");
    assert_eq!(updated["determination"], "Malware");
    assert_eq!(updated["assignedTo"], "secop@contoso.com");
    assert!(updated["resolvedTime"].is_string());
    assert!(
        updated["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["comment"] == "handled by flowguard")
    );

    let (status, bad) = api
        .patch(&format!("/api/alerts/{id}"), &json!({"status": "Closed"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["code"], "InvalidRequestBody");
    let (status, _) = api
        .patch(&format!("/api/alerts/{id}"), &json!({"Status": "New"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.patch("/api/alerts/nope", &json!({"status": "New"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let (status, machine) = api.get(&format!("/api/alerts/{id}/machine")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(machine["id"], alert["machineId"]);
    assert_eq!(machine["isolationState"], "NotIsolated");
    emu.shutdown().await;
}

#[tokio::test]
async fn machines_list_filter_and_lookup() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (status, body) = api.get("/api/machines").await;
    assert_eq!(status, StatusCode::OK);
    let machines = values(&body).clone();
    assert_eq!(machines.len(), 12);
    for platform in [
        "Windows10",
        "Windows11",
        "WindowsServer2019",
        "WindowsServer2022",
        "Linux",
        "macOS",
    ] {
        assert!(
            machines.iter().any(|m| m["osPlatform"] == platform),
            "{platform}"
        );
    }
    assert!(machines.iter().all(|m| {
        m["computerDnsName"]
            .as_str()
            .unwrap()
            .ends_with(".contoso.com")
    }));

    let (_, linux) = api.get("/api/machines?$filter=osPlatform eq 'Linux'").await;
    assert!(
        !values(&linux).is_empty() && values(&linux).iter().all(|m| m["osPlatform"] == "Linux")
    );
    let (_, paged) = api.get("/api/machines?$top=5").await;
    assert_eq!(values(&paged).len(), 5);
    assert!(paged["@odata.nextLink"].is_string());

    let name = machines[3]["computerDnsName"].as_str().unwrap();
    let (status, by_name) = api.get(&format!("/api/machines/{name}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_name["id"], machines[3]["id"]);
    let (_, filtered) = api
        .get(&format!(
            "/api/machines?$filter=computerDnsName eq '{name}'"
        ))
        .await;
    assert_eq!(values(&filtered).len(), 1);

    let (status, missing) = api.get("/api/machines/123123123").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing["error"]["message"],
        "Machine 123123123 was not found"
    );
    emu.shutdown().await;
}

async fn wait_for_status(api: &Api, action_id: &str, wanted: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (_, action) = api.get(&format!("/api/machineactions/{action_id}")).await;
        if action["status"] == wanted {
            return action;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "action never reached {wanted}: {action}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn machine_action_lifecycle_and_duplicates() {
    let emu = start(EmulatorConfig {
        action_delay: Duration::from_millis(2000),
        ..EmulatorConfig::default()
    })
    .await;
    let api = Api::new(&emu).await;
    let (_, body) = api.get("/api/machines?$top=1").await;
    let machine_id = values(&body)[0]["id"].as_str().unwrap().to_owned();
    let isolate = format!("/api/machines/{machine_id}/isolate");

    let (status, action) = api
        .post(
            &isolate,
            &json!({"Comment": "Isolate due to alert 1234", "IsolationType": "Selective"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(action["type"], "Isolate");
    assert_eq!(action["scope"], "Selective");
    assert_eq!(action["status"], "Pending");
    assert_eq!(action["requestor"], "flowguard-demo");
    assert_eq!(action["requestorComment"], "Isolate due to alert 1234");
    assert_eq!(action["machineId"], machine_id.as_str());
    assert!(action["relatedFileInfo"].is_null());
    assert!(
        action["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#MachineActions/$entity")
    );
    let action_id = action["id"].as_str().unwrap().to_owned();

    let (status, duplicate) = api
        .post(
            &isolate,
            &json!({"Comment": "again", "IsolationType": "Full"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(duplicate["error"]["code"], "BadRequest");
    assert_eq!(
        duplicate["error"]["message"],
        "Action is already in progress"
    );

    wait_for_status(&api, &action_id, "InProgress").await;
    let done = wait_for_status(&api, &action_id, "Succeeded").await;
    assert_ne!(done["lastUpdateDateTimeUtc"], done["creationDateTimeUtc"]);
    let (_, machine) = api.get(&format!("/api/machines/{machine_id}")).await;
    assert_eq!(machine["isolationState"], "Isolated");

    // Assumption: isolating an isolated machine is accepted with a new action.
    let (status, again) = api.post(&isolate, &json!({"Comment": "again"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["scope"], "Full");

    // Parameter names are case-sensitive.
    let (status, lower) = api
        .post(
            &format!("/api/machines/{machine_id}/unisolate"),
            &json!({"comment": "release"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(lower["error"]["code"], "MissingRequiredParameter");
    assert!(
        lower["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Comment")
    );
    let (status, bad_type) = api
        .post(
            &isolate,
            &json!({"Comment": "x", "IsolationType": "Partial"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_type["error"]["code"], "InvalidRequestBody");

    let (status, scan) = api
        .post(
            &format!("/api/machines/{machine_id}/runAntiVirusScan"),
            &json!({"Comment": "scan", "ScanType": "Quick"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(scan["type"], "RunAntiVirusScan");
    assert_eq!(scan["scope"], "Quick");
    let (status, _) = api
        .post(
            &format!("/api/machines/{machine_id}/runAntiVirusScan"),
            &json!({"Comment": "scan"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for (path, kind) in [
        ("collectInvestigationPackage", "CollectInvestigationPackage"),
        ("restrictCodeExecution", "RestrictCodeExecution"),
        ("unrestrictCodeExecution", "UnrestrictCodeExecution"),
        ("unisolate", "Unisolate"),
    ] {
        let (status, created) = api
            .post(
                &format!("/api/machines/{machine_id}/{path}"),
                &json!({"Comment": "flowguard"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{path}");
        assert_eq!(created["type"], kind);
        assert!(created["scope"].is_null());
    }
    let (status, _) = api
        .post("/api/machines/nope/isolate", &json!({"Comment": "x"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Cancel a pending action; a finished one cannot be cancelled.
    let (status, cancelled) = api
        .post(
            &format!(
                "/api/machineactions/{}/cancel",
                scan["id"].as_str().unwrap()
            ),
            &json!({"Comment": "not needed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "Cancelled");
    assert_eq!(cancelled["cancellationComment"], "not needed");
    let (status, _) = api
        .post(
            &format!("/api/machineactions/{action_id}/cancel"),
            &json!({"Comment": "late"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, list) = api
        .get(&format!(
            "/api/machineactions?$filter=machineId eq '{machine_id}' and type eq 'Isolate'"
        ))
        .await;
    assert_eq!(values(&list).len(), 2);
    let (_, list) = api
        .get("/api/machineactions?$filter=status eq 'Cancelled'")
        .await;
    assert_eq!(values(&list).len(), 1);
    let (_, list) = api.get("/api/machineactions?$top=2").await;
    assert_eq!(values(&list).len(), 2);
    assert!(list["@odata.nextLink"].is_string());
    assert_eq!(
        api.get("/api/machineactions/00000000-0000-0000-0000-000000000000")
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let (_, view) = api
        .control(
            reqwest::Method::GET,
            &format!("/_emulator/machines/{machine_id}"),
            None,
        )
        .await;
    assert_eq!(view["actions"].as_array().unwrap().len(), 7);
    emu.shutdown().await;
}

#[tokio::test]
async fn paging_over_25000_alerts_with_next_link() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let started = std::time::Instant::now();
    let (status, created) = api
        .control(
            reqwest::Method::POST,
            "/_emulator/alerts/bulk",
            Some(json!({"count": 25_000})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["created"], 25_000);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "bulk creation is fast"
    );

    let mut next = Some(format!("{}/api/alerts", emu.base_url()));
    let mut ids = std::collections::HashSet::new();
    let mut pages = 0;
    let mut last_time = String::new();
    while let Some(url) = next {
        let (status, body) = api.get(&url).await;
        assert_eq!(status, StatusCode::OK);
        for alert in values(&body) {
            let time = alert["alertCreationTime"].as_str().unwrap().to_owned();
            assert!(time >= last_time);
            last_time = time;
            assert!(
                ids.insert(alert["id"].as_str().unwrap().to_owned()),
                "no duplicates"
            );
        }
        pages += 1;
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
        assert!(pages <= 10);
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 25_040);

    let (_, high) = api
        .control(
            reqwest::Method::POST,
            "/_emulator/alerts/bulk",
            Some(json!({"count": 10, "severity": "High"})),
        )
        .await;
    assert_eq!(high["created"], 10);
    emu.shutdown().await;
}

#[tokio::test]
async fn quotas_answer_429_with_retry_after() {
    let quota = Quota {
        per_minute: 5,
        per_hour: 8,
        hunting_per_minute: 2,
        time_scale: 0.05,
    };
    let emu = start(EmulatorConfig {
        quota: Some(quota),
        ..EmulatorConfig::default()
    })
    .await;
    let api = Api::new(&emu).await;
    for _ in 0..5 {
        assert_eq!(api.get("/api/machines?$top=1").await.0, StatusCode::OK);
    }
    let response = api
        .http
        .get(format!("{}/api/machines", emu.base_url()))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"]["code"],
        "TooManyRequests"
    );

    // The scaled minute is 3 s.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(api.get("/api/machines?$top=1").await.0, StatusCode::OK);
    let (status, _) = api
        .post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceInfo | take 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api
        .post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceInfo | take 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The hour (180 s scaled) allows 8 calls and hunting 2 a minute: this one is refused.
    let (status, _) = api
        .post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceInfo | take 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let records = emu.requests();
    assert!(records.iter().filter(|r| r.status == 429).count() >= 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn hunting_quota_is_separate() {
    let quota = Quota {
        per_minute: 100,
        per_hour: 1500,
        hunting_per_minute: 2,
        time_scale: 1.0,
    };
    let emu = start(EmulatorConfig {
        quota: Some(quota),
        ..EmulatorConfig::default()
    })
    .await;
    let api = Api::new(&emu).await;
    for _ in 0..2 {
        assert_eq!(
            api.post(
                "/api/advancedqueries/run",
                &json!({"Query": "DeviceProcessEvents | take 1"})
            )
            .await
            .0,
            StatusCode::OK
        );
    }
    assert_eq!(
        api.post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceProcessEvents"})
        )
        .await
        .0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(api.get("/api/machines").await.0, StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_apply_to_the_next_matching_calls() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (status, _) = api
        .control(
            reqwest::Method::POST,
            "/_emulator/faults",
            Some(json!({"path_contains": "/alerts", "status": 500, "count": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = api.get("/api/alerts").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["error"]["code"], "InternalServerError");
    assert_eq!(
        api.get("/api/machines").await.0,
        StatusCode::OK,
        "other paths unaffected"
    );
    assert_eq!(
        api.get("/api/alerts").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(api.get("/api/alerts").await.0, StatusCode::OK);

    emu.add_fault(FaultSpec {
        path_contains: "/machines".into(),
        method: Some("GET".into()),
        status: Some(429),
        delay_ms: 0,
        malformed_body: false,
        retry_after: Some(2),
        count: 1,
    });
    let response = api
        .http
        .get(format!("{}/api/machines", emu.base_url()))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");

    api.control(
        reqwest::Method::POST,
        "/_emulator/faults",
        Some(json!({"path_contains": "/machines", "malformed_body": true, "count": 1})),
    )
    .await;
    let response = api
        .http
        .get(format!("{}/api/machines", emu.base_url()))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<Value>().await.is_err(), "malformed JSON");

    api.control(
        reqwest::Method::POST,
        "/_emulator/faults",
        Some(json!({"path_contains": "/machines", "delay_ms": 300, "count": 1})),
    )
    .await;
    let started = std::time::Instant::now();
    assert_eq!(api.get("/api/machines").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // A slow answer trips a client timeout.
    api.control(
        reqwest::Method::POST,
        "/_emulator/faults",
        Some(json!({"path_contains": "/machines", "delay_ms": 2000, "count": 1})),
    )
    .await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let result = quick
        .get(format!("{}/api/machines", emu.base_url()))
        .bearer_auth(&api.token)
        .send()
        .await;
    assert!(result.is_err_and(|e| e.is_timeout()));

    // Request log.
    let (_, log) = api
        .control(reqwest::Method::GET, "/_emulator/requests", None)
        .await;
    let log = log.as_array().unwrap();
    assert!(
        log.iter()
            .any(|r| r["status"] == 500 && r["path"] == "/api/alerts")
    );
    assert!(
        log.iter()
            .any(|r| r["path"].as_str().unwrap().ends_with("/oauth2/v2.0/token"))
    );
    let (status, _) = api
        .control(reqwest::Method::DELETE, "/_emulator/requests", None)
        .await;
    assert!(status.is_success());
    assert!(emu.requests().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn request_log_keeps_bodies_of_posts() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (_, body) = api.get("/api/machines?$top=1").await;
    let id = values(&body)[0]["id"].as_str().unwrap().to_owned();
    api.post(
        &format!("/api/machines/{id}/isolate"),
        &json!({"Comment": "c", "IsolationType": "Full"}),
    )
    .await;
    let log = emu.requests();
    let post = log
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/isolate"))
        .expect("logged");
    assert_eq!(post.status, 201);
    assert_eq!(
        post.body.clone().unwrap(),
        json!({"Comment": "c", "IsolationType": "Full"})
    );
    let body = post.body.clone().unwrap_or_default();
    assert!(body.contains("\"IsolationType\":\"Full\""), "{body}");
    assert_eq!(body.get("Comment"), Some(&json!("c")));
    assert_eq!(body.text(), r#"{"Comment":"c","IsolationType":"Full"}"#);
    let get = log
        .iter()
        .find(|r| r.method == "GET" && r.path == "/api/machines")
        .expect("logged");
    assert_eq!(get.query.as_deref(), Some("$top=1"));
    emu.shutdown().await;
}

#[tokio::test]
async fn control_alerts_generator_and_reset() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;

    let (status, alert) = api
        .control(reqwest::Method::POST, "/_emulator/alerts", Some(json!({"severity": "High", "title": "Emulated ransomware", "computerDnsName": "new-box-01.contoso.com"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(alert["severity"], "High");
    assert_eq!(alert["title"], "Emulated ransomware");
    assert_eq!(alert["status"], "New");
    assert_eq!(alert["computerDnsName"], "new-box-01.contoso.com");
    let machine_id = alert["machineId"].as_str().unwrap().to_owned();
    let (status, machine) = api.get(&format!("/api/machines/{machine_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(machine["computerDnsName"], "new-box-01.contoso.com");
    let (status, fetched) = api
        .get(&format!("/api/alerts/{}", alert["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched["title"], "Emulated ransomware");

    // Newest alert is last; a poller with `gt` on the previous newest sees exactly it.
    let in_process = emu.create_alert(json!({"machineId": machine_id, "severity": "Low"}));
    let (_, newer) = api
        .get(&format!(
            "/api/alerts?$filter=alertCreationTime gt {}",
            alert["alertCreationTime"].as_str().unwrap()
        ))
        .await;
    assert!(values(&newer).iter().any(|a| a["id"] == in_process["id"]));

    let (_, state) = api
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    assert_eq!(state["alerts"], 42);
    assert_eq!(state["machines"], 13);

    let (status, _) = api
        .control(
            reqwest::Method::POST,
            "/_emulator/generator",
            Some(json!({"rate_per_second": 40.0, "severity": "Medium"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (_, state) = api
            .control(reqwest::Method::GET, "/_emulator/state", None)
            .await;
        if state["alerts"].as_u64().unwrap() >= 47 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "generator emits alerts"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, stopped) = api
        .control(reqwest::Method::DELETE, "/_emulator/generator", None)
        .await;
    assert_eq!(stopped["running"], false);
    let count = api
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await
        .1["alerts"]
        .as_u64()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        api.control(reqwest::Method::GET, "/_emulator/state", None)
            .await
            .1["alerts"]
            .as_u64()
            .unwrap(),
        count
    );
    let (_, generated) = api
        .get("/api/alerts?$filter=severity eq 'Medium'&$top=10000")
        .await;
    assert!(values(&generated).len() >= 5);

    let (status, state) = api
        .control(reqwest::Method::POST, "/_emulator/reset", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["alerts"], 40);
    assert_eq!(state["machines"], 12);
    assert_eq!(state["machineActions"], 0);
    assert_eq!(
        api.get(&format!("/api/machines/{machine_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    // Tokens survive a reset.
    assert_eq!(api.get("/api/alerts?$top=1").await.0, StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn same_seed_same_tenant() {
    async fn snapshot(seed: u64) -> (Vec<Value>, Vec<Value>) {
        let emu = start(EmulatorConfig {
            seed,
            ..EmulatorConfig::default()
        })
        .await;
        let api = Api::new(&emu).await;
        let alerts = values(&api.get("/api/alerts?$expand=evidence").await.1)
            .iter()
            .map(|a| {
                json!([
                    a["id"],
                    a["title"],
                    a["severity"],
                    a["machineId"],
                    a["status"],
                    a["evidence"].as_array().unwrap().len()
                ])
            })
            .collect();
        let machines = values(&api.get("/api/machines").await.1)
            .iter()
            .map(|m| {
                json!([
                    m["id"],
                    m["computerDnsName"],
                    m["osPlatform"],
                    m["lastIpAddress"]
                ])
            })
            .collect();
        emu.shutdown().await;
        (alerts, machines)
    }
    let a = snapshot(7).await;
    let b = snapshot(7).await;
    let c = snapshot(8).await;
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
}

#[tokio::test]
async fn hunting_and_indicators() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (status, result) = api
        .post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceInfo | take 3"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["Results"].as_array().unwrap().len(), 3);
    assert!(
        result["Schema"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["Name"] == "DeviceName")
    );
    let (_, other) = api
        .post(
            "/api/advancedqueries/run",
            &json!({"Query": "DeviceProcessEvents | limit 10"}),
        )
        .await;
    assert!(other["Results"].as_array().unwrap().is_empty());
    assert!(!other["Schema"].as_array().unwrap().is_empty());
    let (status, missing) = api
        .post("/api/advancedqueries/run", &json!({"query": "DeviceInfo"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(missing["error"]["code"], "MissingRequiredParameter");

    let indicator = json!({
        "indicatorValue": "220e7d15b011d7fac48f2bd61114db1022197f7f",
        "indicatorType": "FileSha1",
        "action": "AlertAndBlock",
        "title": "test",
        "description": "test",
        "severity": "Informational",
        "recommendedActions": "nothing",
        "rbacGroupNames": ["group1"]
    });
    let (status, created) = api.post("/api/indicators", &indicator).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created["indicatorValue"], indicator["indicatorValue"]);
    assert!(created["id"].is_string());
    let mut bad = indicator.clone();
    bad["indicatorValue"] = json!("xyz");
    let (status, body) = api.post("/api/indicators", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "InvalidHashValue");
    emu.shutdown().await;
}

#[tokio::test]
async fn smtp_sink_records_mail_sent_with_lettre() {
    use lettre::message::{Mailbox, MultiPart, header::ContentType};
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let emu = start(EmulatorConfig::default()).await;
    let smtp = emu.smtp_addr();
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.ip().to_string())
        .port(smtp.port())
        .credentials(Credentials::new("flowguard".into(), "secret".into()))
        .timeout(Some(Duration::from_secs(10)))
        .build();
    let from: Mailbox = "Flowguard <flowguard@contoso.com>".parse().unwrap();
    let plain = Message::builder()
        .from(from.clone())
        .to("SOC <soc@contoso.com>".parse().unwrap())
        .cc("lead@contoso.com".parse().unwrap())
        .subject("Machine isolated: finance-laptop-07 — sévérité High")
        .header(ContentType::TEXT_PLAIN)
        .body(String::from(
            "The machine was isolated.\n.\n..leading dots survive\nUnicode: élan ✓",
        ))
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), mailer.send(plain))
        .await
        .expect("in time")
        .expect("sent");

    let multipart = Message::builder()
        .from(from)
        .to("soc@contoso.com".parse().unwrap())
        .subject("Daily summary")
        .multipart(MultiPart::alternative_plain_html(
            String::from("3 alerts"),
            String::from("<p>3 alerts</p>"),
        ))
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), mailer.send(multipart))
        .await
        .expect("in time")
        .expect("sent");

    let mail = emu.mail();
    assert_eq!(mail.len(), 2);
    assert_eq!(mail[0].html, None, "a text-only message has no HTML");
    assert_eq!(mail[0].from, "flowguard@contoso.com");
    assert_eq!(
        mail[0].to,
        vec!["soc@contoso.com".to_owned(), "lead@contoso.com".to_owned()]
    );
    assert_eq!(
        mail[0].subject,
        "Machine isolated: finance-laptop-07 — sévérité High"
    );
    assert!(
        mail[0].body.contains("The machine was isolated."),
        "{}",
        mail[0].body
    );
    assert!(
        mail[0].body.contains("\n.\n..leading dots survive"),
        "{}",
        mail[0].body
    );
    assert!(mail[0].body.contains("élan ✓"));
    assert_eq!(mail[0].auth_user.as_deref(), Some("flowguard"));
    assert!(mail[0].raw.contains("Subject:"));
    assert_eq!(mail[1].subject, "Daily summary");
    assert!(mail[1].body.contains("3 alerts"));
    assert_eq!(mail[1].html.as_deref(), Some("<p>3 alerts</p>"));

    let http = client();
    let listed: Value = http
        .get(format!("{}/_emulator/mail", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[1]["subject"], "Daily summary");
    let cleared = http
        .delete(format!("{}/_emulator/mail", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert!(cleared.status().is_success());
    assert!(emu.mail().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn smtp_sink_speaks_plain_smtp() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let emu = start(EmulatorConfig::default()).await;
    let stream = tokio::net::TcpStream::connect(emu.smtp_addr())
        .await
        .unwrap();
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let mut expect = async |code: &str, reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>| {
        loop {
            line.clear();
            tokio::time::timeout(Duration::from_secs(5), reader.read_line(&mut line))
                .await
                .unwrap()
                .unwrap();
            assert!(line.starts_with(code), "expected {code}, got {line}");
            if line.as_bytes().get(3) != Some(&b'-') {
                return;
            }
        }
    };
    expect("220", &mut reader).await;
    for (command, code) in [
        ("HELO tester\r\n", "250"),
        ("AUTH LOGIN\r\n", "334"),
        ("dXNlcg==\r\n", "334"),
        ("cGFzcw==\r\n", "235"),
        ("RCPT TO:<x@y>\r\n", "503"),
        ("MAIL FROM:<a@b.c>\r\n", "250"),
        ("RSET\r\n", "250"),
        ("MAIL FROM:<a@b.c>\r\n", "250"),
        ("RCPT TO:<d@e.f>\r\n", "250"),
        ("NOOP\r\n", "250"),
        ("DATA\r\n", "354"),
        (
            "Subject: =?UTF-8?B?w6l0w6k=?=\r\n\r\nline one\r\n..dot\r\n.\r\n",
            "250",
        ),
        ("QUIT\r\n", "221"),
    ] {
        writer.write_all(command.as_bytes()).await.unwrap();
        expect(code, &mut reader).await;
    }
    let mail = emu.mail();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "été");
    assert_eq!(mail[0].body.trim_end(), "line one\n.dot");
    assert_eq!(mail[0].auth_user.as_deref(), Some("user"));
    emu.shutdown().await;
}

#[tokio::test]
async fn orderby_select_and_count() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (status, body) = api.get("/api/alerts?$orderby=alertCreationTime desc&$top=5&$count=true&$select=id,alertCreationTime").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["@odata.count"], 40);
    let alerts = values(&body);
    assert_eq!(alerts.len(), 5);
    assert!(alerts.iter().all(|a| a.as_object().unwrap().len() == 2));
    let times: Vec<&str> = alerts
        .iter()
        .map(|a| a["alertCreationTime"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "descending");
    let (status, body) = api.get("/api/alerts?$orderby=nosuch").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "ODataError");
    let (_, machines) = api.get("/api/machines?$orderby=computerDnsName").await;
    let names: Vec<&str> = values(&machines)
        .iter()
        .map(|m| m["computerDnsName"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    emu.shutdown().await;
}

#[tokio::test]
async fn create_alert_by_reference_creates_then_merges() {
    let emu = start(EmulatorConfig::default()).await;
    let api = Api::new(&emu).await;
    let (_, machines) = api.get("/api/machines?$top=1").await;
    let machine_id = values(&machines)[0]["id"].as_str().unwrap().to_owned();
    let request = json!({
        "machineId": machine_id,
        "severity": "Low",
        "title": "Custom detection from Flowguard",
        "description": "test",
        "recommendedAction": "isolate",
        "eventTime": "2024-01-01T10:00:00Z",
        "reportId": "20776",
        "category": "Exploit"
    });
    let (status, first) = api
        .post("/api/alerts/CreateAlertByReference", &request)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["title"], "Custom detection from Flowguard");
    assert_eq!(first["machineId"], machine_id.as_str());
    let (status, second) = api
        .post("/api/alerts/createAlertByReference", &request)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["id"], first["id"], "merged into the open alert");
    let mut missing = request.clone();
    missing.as_object_mut().unwrap().remove("reportId");
    assert_eq!(
        api.post("/api/alerts/CreateAlertByReference", &missing)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let mut unknown = request.clone();
    unknown["machineId"] = json!("0000");
    assert_eq!(
        api.post("/api/alerts/CreateAlertByReference", &unknown)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn new_alerts_have_strictly_increasing_times_and_in_process_generator() {
    let emu = start(EmulatorConfig::default()).await;
    emu.create_alerts_bulk(500, Some("Low"));
    let api = Api::new(&emu).await;
    let (_, body) = api
        .get("/api/alerts?$filter=severity eq 'Low'&$orderby=alertCreationTime asc")
        .await;
    let mut times: Vec<String> = values(&body)
        .iter()
        .map(|a| a["alertCreationTime"].as_str().unwrap().to_owned())
        .collect();
    let before = times.len();
    times.dedup();
    assert_eq!(times.len(), before, "no two alerts share a creation time");
    assert!(before >= 500);

    let start_count = emu.state_summary()["alerts"].as_u64().unwrap();
    emu.start_generator(100.0, None);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while emu.state_summary()["alerts"].as_u64().unwrap() < start_count + 5 {
        assert!(tokio::time::Instant::now() < deadline, "generator runs");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emu.state_summary()["generator"]["running"], true);
    emu.stop_generator();
    assert_eq!(emu.state_summary()["generator"]["running"], false);
    emu.shutdown().await;
}

#[tokio::test]
async fn machine_alerts_tags_and_package_uri() {
    let emu = start(EmulatorConfig {
        action_delay: Duration::from_millis(100),
        ..EmulatorConfig::default()
    })
    .await;
    let api = Api::new(&emu).await;
    let (_, alerts) = api.get("/api/alerts?$top=1").await;
    let machine_id = values(&alerts)[0]["machineId"].as_str().unwrap().to_owned();
    let (status, related) = api.get(&format!("/api/machines/{machine_id}/alerts")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!values(&related).is_empty());
    assert!(
        values(&related)
            .iter()
            .all(|a| a["machineId"] == machine_id.as_str())
    );

    let (status, tagged) = api
        .post(
            &format!("/api/machines/{machine_id}/tags"),
            &json!({"Value": "flowguard-isolated", "Action": "Add"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tagged["machineTags"], json!(["flowguard-isolated"]));
    let (_, untagged) = api
        .post(
            &format!("/api/machines/{machine_id}/tags"),
            &json!({"Value": "flowguard-isolated", "Action": "Remove"}),
        )
        .await;
    assert_eq!(untagged["machineTags"], json!([]));

    let (_, package) = api
        .post(
            &format!("/api/machines/{machine_id}/collectInvestigationPackage"),
            &json!({"Comment": "collect"}),
        )
        .await;
    let action_id = package["id"].as_str().unwrap().to_owned();
    assert_eq!(
        api.get(&format!("/api/machineactions/{action_id}/getPackageUri"))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    wait_for_status(&api, &action_id, "Succeeded").await;
    let (status, link) = api
        .get(&format!("/api/machineactions/{action_id}/getPackageUri"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(link["value"].as_str().unwrap().ends_with(".zip"));
    emu.shutdown().await;
}
