//! The control API's bulk route answers under both of its names, `/_emulator/alerts/bulk` and
//! `/_emulator/bulk-alerts`, and the alerts it creates are served by the Defender API.

use std::time::Duration;

use flowguard_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn bulk_alerts_under_both_route_names() {
    let emu = tokio::time::timeout(
        Duration::from_secs(10),
        Emulator::start(EmulatorConfig::default()),
    )
    .await
    .expect("start in time")
    .expect("start");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let seeded = EmulatorConfig::default().alerts;

    let mut expected_total = seeded;
    for (route, count) in [
        ("/_emulator/alerts/bulk", 30),
        ("/_emulator/bulk-alerts", 45),
    ] {
        let response = http
            .post(format!("{}{route}", emu.base_url()))
            .json(&json!({ "count": count, "severity": "Low" }))
            .send()
            .await
            .expect("bulk call");
        assert_eq!(response.status().as_u16(), 201, "{route}");
        let body: Value = response.json().await.expect("bulk json");
        expected_total += count;
        assert_eq!(body["created"], json!(count), "{route}");
        assert_eq!(body["alerts"], json!(expected_total), "{route}");
    }

    let token: Value = http
        .post(emu.token_url())
        .form(&[
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("grant_type", "client_credentials"),
            ("scope", "https://api.securitycenter.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("token call")
        .json()
        .await
        .expect("token json");
    let token = token["access_token"].as_str().expect("access_token");
    let page: Value = http
        .get(format!("{}/api/alerts", emu.base_url()))
        .query(&[("$top", "10000")])
        .bearer_auth(token)
        .send()
        .await
        .expect("list call")
        .json()
        .await
        .expect("list json");
    let alerts = page["value"].as_array().expect("value");
    assert_eq!(alerts.len(), expected_total);
    let low = alerts.iter().filter(|a| a["severity"] == "Low").count();
    assert!(
        low >= 75,
        "the 75 bulk alerts are Low, got {low} Low alerts in all"
    );

    tokio::time::timeout(Duration::from_secs(10), emu.shutdown())
        .await
        .expect("shutdown in time");
}
