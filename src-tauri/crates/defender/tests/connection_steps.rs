//! "Test connection" names the step that failed, over real HTTP: an unresolvable host (DNS), a
//! closed loopback port (connect), the emulator's Entra-shaped AADSTS refusal of a wrong secret
//! (token) and its 403 through the `/_emulator` fault API (the API call, naming the permission).

use std::future::Future;
use std::time::Duration;

use flowguard_defender::{
    Cloud, ConnectionStep, DefenderClient, DefenderConfig, RateLimits, RetryPolicy, Secret,
};
use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

async fn bounded<T>(seconds: u64, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), future)
        .await
        .expect("the test took too long")
}

fn config(base: &str, tenant: &str, client: &str, secret: &str) -> DefenderConfig {
    let mut config = DefenderConfig::new(
        &Cloud::Custom {
            login_base: base.to_owned(),
            api_base: base.to_owned(),
        },
        tenant,
        client,
        Secret::new(secret),
    );
    config.limits = RateLimits::unlimited();
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    config.timeout = Duration::from_secs(10);
    config
}

fn emulator_config(emulator: &EmulatorHandle, secret: &str) -> DefenderConfig {
    config(
        &emulator.base_url(),
        emulator.tenant_id(),
        emulator.client_id(),
        secret,
    )
}

#[tokio::test]
async fn an_unresolvable_host_is_a_dns_failure() {
    bounded(60, async {
        let config = config(
            "https://nohost.invalid",
            "contoso.onmicrosoft.com",
            "client",
            "secret",
        );
        let error = DefenderClient::new(&config)
            .unwrap()
            .test_connection()
            .await
            .unwrap_err();
        let failure = error.connection_failure();
        assert_eq!(failure.step, ConnectionStep::Dns, "{failure:?}");
        assert!(
            failure.message.contains("nohost.invalid"),
            "{}",
            failure.message
        );
        assert!(failure.hint.contains("cloud"), "{}", failure.hint);
    })
    .await;
}

#[tokio::test]
async fn a_closed_port_is_a_connect_failure() {
    bounded(60, async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let config = config(
            &format!("http://127.0.0.1:{port}"),
            "tenant",
            "client",
            "secret",
        );
        let error = DefenderClient::new(&config)
            .unwrap()
            .test_connection()
            .await
            .unwrap_err();
        let failure = error.connection_failure();
        assert_eq!(failure.step, ConnectionStep::Connect, "{failure:?}");
        assert!(failure.message.contains("127.0.0.1"), "{}", failure.message);
        assert!(
            failure.hint.contains("firewall or proxy"),
            "{}",
            failure.hint
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_secret_is_a_token_failure_with_its_aadsts_code() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let wrong = emulator_config(&emulator, "not-the-secret");
        let error = DefenderClient::new(&wrong)
            .unwrap()
            .test_connection()
            .await
            .unwrap_err();
        let failure = error.connection_failure();
        assert_eq!(failure.step, ConnectionStep::Token, "{failure:?}");
        assert_eq!(
            failure.code.as_deref(),
            Some("AADSTS7000215"),
            "{failure:?}"
        );
        assert!(
            failure.hint.contains("client secret is wrong"),
            "{}",
            failure.hint
        );
        assert!(!failure.to_string().contains("not-the-secret"));
    })
    .await;
}

#[tokio::test]
async fn a_forbidden_api_call_names_the_permission_and_admin_consent() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let control = reqwest::Client::new()
            .post(format!("{}/_emulator/faults", emulator.base_url()))
            .json(
                &serde_json::json!({ "path_contains": "/api/machines", "status": 403, "count": 5 }),
            )
            .send()
            .await
            .unwrap();
        assert!(control.status().is_success(), "{}", control.status());
        let client =
            DefenderClient::new(&emulator_config(&emulator, emulator.client_secret())).unwrap();
        let failure = client
            .test_connection()
            .await
            .unwrap_err()
            .connection_failure();
        assert_eq!(failure.step, ConnectionStep::Api, "{failure:?}");
        assert!(
            failure
                .code
                .as_deref()
                .unwrap_or("")
                .starts_with("HTTP 403"),
            "{failure:?}"
        );
        assert!(
            failure.hint.contains("Machine.Read.All"),
            "{}",
            failure.hint
        );
        assert!(
            failure.hint.contains("grant admin consent"),
            "{}",
            failure.hint
        );
    })
    .await;
}
