//! The raw JSON of an operation (`client.request::<Value>(&ApiRequest::…)`: the engine stores
//! the API's JSON as step outputs), the short names
//! (`Client`, `Config`, `AlertQuery`, `Page`), `token_for_scope` for Microsoft Graph, and the
//! error accessors (`code`, `retry_after`), against the real emulator over HTTP.

use std::future::Future;
use std::time::{Duration, Instant};

use flowguard_defender::{
    AlertQuery, ApiRequest, Client, Cloud, Config, IsolationType, Page, RateLimits, RetryPolicy,
    Secret,
};
use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle, FaultSpec};
use serde_json::Value;

async fn bounded<T>(seconds: u64, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), future)
        .await
        .expect("the test took too long")
}

fn config_for(emulator: &EmulatorHandle) -> Config {
    let base = emulator.base_url();
    let mut config = Config::new(
        &Cloud::Custom {
            login_base: base.clone(),
            api_base: base,
        },
        emulator.tenant_id(),
        emulator.client_id(),
        Secret::new(emulator.client_secret()),
    );
    config.limits = RateLimits::unlimited();
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    config.timeout = Duration::from_secs(10);
    config
}

#[tokio::test]
async fn raw_json_variants_return_the_api_json() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let client = Client::new(&config_for(&emulator)).unwrap();

        let page: Value = client
            .request(&ApiRequest::list_alerts(&AlertQuery::new().top(3)))
            .await
            .unwrap();
        let alerts = page["value"].as_array().unwrap();
        assert_eq!(alerts.len(), 3);
        assert!(
            page["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("#Alerts")
        );
        let typed: Page<flowguard_defender::Alert> =
            client.list_alerts(&AlertQuery::new().top(3)).await.unwrap();
        assert_eq!(typed.value[0].id, alerts[0]["id"].as_str().unwrap());

        let id = alerts[0]["id"].as_str().unwrap();
        let alert: Value = client.request(&ApiRequest::get_alert(id)).await.unwrap();
        assert_eq!(alert["id"], alerts[0]["id"]);
        let machine_id = alert["machineId"].as_str().unwrap().to_owned();

        let action: Value = client
            .request(&ApiRequest::isolate(
                &machine_id,
                "isolated by a flow",
                IsolationType::Selective,
            ))
            .await
            .unwrap();
        assert_eq!(action["type"], "Isolate");
        let isolate = emulator
            .requests()
            .into_iter()
            .rev()
            .find(|record| record.path.ends_with("/isolate"))
            .unwrap();
        assert_eq!(isolate.status, 201);
        let body = isolate.body.unwrap();
        assert_eq!(body.get("IsolationType").unwrap(), "Selective");
        assert_eq!(body.get("Comment").unwrap(), "isolated by a flow");

        let action_id = action["id"].as_str().unwrap();
        let fetched: Value = client
            .request(&ApiRequest::get_machine_action(action_id))
            .await
            .unwrap();
        assert_eq!(fetched["id"], action["id"]);
        let listed: Value = client
            .request(&ApiRequest::list_machine_actions(
                &AlertQuery::new().filter(format!("machineId eq '{machine_id}'")),
            ))
            .await
            .unwrap();
        assert!(
            listed["value"]
                .as_array()
                .unwrap()
                .iter()
                .any(|item| item["id"] == action["id"]),
            "{listed}"
        );

        let hunting = client.advanced_query("DeviceInfo | limit 1").await.unwrap();
        assert!(!hunting.schema.is_empty());
    })
    .await;
}

#[tokio::test]
async fn token_for_scope_reuses_the_app_credentials_and_caches() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let client = Client::new(&config_for(&emulator)).unwrap();
        let started = Instant::now();
        let graph = client
            .token_for_scope("https://graph.microsoft.com/.default")
            .await
            .unwrap();
        let again = client
            .token_for_scope("https://graph.microsoft.com/.default")
            .await
            .unwrap();
        eprintln!("graph token fetched and reused in {:?}", started.elapsed());
        assert!(!graph.expose().is_empty());
        assert_eq!(graph, again, "cached");
        let token_calls = emulator
            .requests()
            .iter()
            .filter(|record| record.path.contains("/oauth2/"))
            .count();
        assert!(token_calls <= 1, "{token_calls} token requests");

        // The API scope is the client's own cached token.
        let api = client
            .token_for_scope(flowguard_defender::DEFAULT_SCOPE)
            .await
            .unwrap();
        assert_eq!(client.token_fetches(), 1);
        assert_ne!(api, graph);

        // A bad scope surfaces Entra's error and AADSTS description.
        let error = client.token_for_scope("not a scope").await.unwrap_err();
        assert_eq!(error.code(), Some("invalid_scope"), "{error}");
        assert!(error.to_string().contains("AADSTS"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn a_final_429_keeps_code_and_retry_after() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let mut config = config_for(&emulator);
        config.retry = RetryPolicy::disabled();
        let client = Client::new(&config).unwrap();
        emulator.add_fault(FaultSpec {
            path_contains: "/api/alerts".to_owned(),
            method: None,
            status: Some(429),
            delay_ms: 0,
            malformed_body: false,
            retry_after: Some(3),
            count: 1,
        });
        let error = client
            .list_alerts(&AlertQuery::new().top(1))
            .await
            .unwrap_err();
        assert!(error.is_retryable());
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(error.code(), Some("TooManyRequests"), "{error}");
    })
    .await;
}
