//! The client against the real emulator (flowguard-emulator) over real HTTP on loopback: every
//! operation, token expiry and refresh, 429 with Retry-After, retried 500s, timeouts, malformed
//! bodies, paging over 25,000 alerts and the rate limiter against the emulator's time-scaled
//! quotas. Every wait is bounded by a timeout.

use std::future::Future;
use std::time::{Duration, Instant};

use flowguard_defender::entities::{
    AlertStatus, AlertUpdate, IndicatorAction, IndicatorRequest, IndicatorType, IsolationType,
    MachineActionStatus, MachineActionType, ScanType, Severity,
};
use flowguard_defender::{
    Cloud, ConfigError, DefenderClient, DefenderConfig, DefenderError, ErrorKind, ListQuery,
    RateLimits, RetryPolicy, Secret,
};
use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorHandle, FaultSpec, Quota};

/// Fails the test instead of hanging.
async fn bounded<T>(seconds: u64, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), future)
        .await
        .expect("the test took too long")
}

fn config_for(emulator: &EmulatorHandle) -> DefenderConfig {
    let base = emulator.base_url();
    let mut config = DefenderConfig::new(
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

async fn start(config: EmulatorConfig) -> (EmulatorHandle, DefenderClient) {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let client = DefenderClient::new(&config_for(&emulator)).expect("a valid configuration");
    (emulator, client)
}

fn fault(path: &str) -> FaultSpec {
    FaultSpec {
        path_contains: path.to_owned(),
        method: None,
        status: None,
        delay_ms: 0,
        malformed_body: false,
        retry_after: None,
        count: 1,
    }
}

fn calls_to(emulator: &EmulatorHandle, path: &str) -> Vec<u16> {
    emulator
        .requests()
        .iter()
        .filter(|record| record.path.contains(path))
        .map(|record| record.status)
        .collect()
}

#[tokio::test]
async fn alerts_list_get_update_and_machine() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig {
            action_delay: Duration::from_millis(200),
            ..EmulatorConfig::default()
        })
        .await;
        let page = client
            .list_alerts(&ListQuery::new().top(5).expand_evidence())
            .await
            .unwrap();
        assert_eq!(page.value.len(), 5);
        assert!(
            page.context
                .as_deref()
                .unwrap()
                .ends_with("$metadata#Alerts"),
            "{:?}",
            page.context
        );
        assert!(page.next_link.is_some(), "40 seeded alerts, 5 per page");

        let counted = client
            .list_alerts(&ListQuery::new().top(1).with_count())
            .await
            .unwrap();
        assert_eq!(counted.count, Some(40), "the seeded tenant has 40 alerts");
        let high = client
            .list_alerts(&ListQuery::new().filter("severity eq 'High'"))
            .await
            .unwrap();
        assert!(!high.value.is_empty());
        assert!(
            high.value
                .iter()
                .all(|alert| alert.severity == Severity::High)
        );

        let first = &page.value[0];
        let alert = client.get_alert(&first.id).await.unwrap();
        assert_eq!(alert.id, first.id);

        let update = AlertUpdate {
            status: Some(AlertStatus::Resolved),
            comment: Some("closed by Flowguard".to_owned()),
            ..AlertUpdate::default()
        };
        let updated = client.update_alert(&alert.id, &update).await.unwrap();
        assert_eq!(updated.status, AlertStatus::Resolved);
        let patch = emulator
            .requests()
            .into_iter()
            .rev()
            .find(|record| record.method == "PATCH")
            .unwrap();
        assert_eq!(
            patch.body.unwrap(),
            serde_json::json!({"status": "Resolved", "comment": "closed by Flowguard"})
        );

        let machine = client.alert_machine(&alert.id).await.unwrap();
        assert_eq!(Some(&machine.id), alert.machine_id.as_ref());
        let same = client.get_machine(&machine.id).await.unwrap();
        assert_eq!(same.computer_dns_name, machine.computer_dns_name);

        let missing = client.get_alert("does-not-exist").await.unwrap_err();
        assert!(missing.is_not_found(), "{missing}");
        assert_eq!(missing.kind(), ErrorKind::Permanent);
        let api = missing.api().unwrap();
        assert_eq!(api.status, 404);
        assert!(api.code.contains("NotFound"), "{api:?}");
        assert!(
            api.request_id.is_some(),
            "the body's target is the request id: {api:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn machine_actions_isolate_scan_restrict_collect_cancel() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig { action_delay: Duration::from_millis(300), ..EmulatorConfig::default() }).await;
        let machines = client.list_machines(&ListQuery::new().top(3)).await.unwrap();
        assert_eq!(machines.value.len(), 3);
        let all = client.list_all_machines(&ListQuery::new()).await.unwrap();
        assert_eq!(all.len(), 12);
        let machine = &machines.value[0].id;

        let isolate = client.isolate(machine, "Isolate machine due to alert 1234", IsolationType::Full).await.unwrap();
        assert_eq!(isolate.action_type, MachineActionType::Isolate);
        assert!(!isolate.status.is_terminal());
        let body = emulator.requests().into_iter().rev().find(|record| record.path.ends_with("/isolate")).unwrap();
        assert_eq!(body.status, 201);
        assert_eq!(body.body.unwrap(), serde_json::json!({"Comment": "Isolate machine due to alert 1234", "IsolationType": "Full"}));

        let again = client.isolate(machine, "twice", IsolationType::Selective).await.unwrap_err();
        assert!(again.is_action_already_in_progress(), "{again}");
        assert_eq!(again.kind(), ErrorKind::Permanent);

        // Poll until the action completes (Pending → InProgress → Succeeded).
        let done = loop {
            let action = client.get_machine_action(&isolate.id).await.unwrap();
            if action.status.is_terminal() {
                break action;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(done.status, MachineActionStatus::Succeeded);

        let listed = client
            .list_machine_actions(&ListQuery::new().filter(format!("machineId eq '{machine}' and type eq 'Isolate'")))
            .await
            .unwrap();
        assert!(listed.value.iter().any(|action| action.id == isolate.id));
        assert!(listed.value.iter().all(|action| action.machine_id.as_deref() == Some(machine.as_str())));

        let release = client.unisolate(machine, "released").await.unwrap();
        assert_eq!(release.action_type, MachineActionType::Unisolate);
        let scan = client.run_antivirus_scan(machine, "scan it", ScanType::Quick).await.unwrap();
        assert_eq!(scan.action_type, MachineActionType::RunAntiVirusScan);
        assert_eq!(scan.scope.as_deref(), Some("Quick"));
        let cancelled = client.cancel_machine_action(&scan.id, "not needed").await.unwrap();
        assert_eq!(cancelled.status, MachineActionStatus::Cancelled);
        let restrict = client.restrict_code_execution(machine, "restrict").await.unwrap();
        assert_eq!(restrict.action_type, MachineActionType::RestrictCodeExecution);
        let unrestrict = client.unrestrict_code_execution(machine, "unrestrict").await.unwrap();
        assert_eq!(unrestrict.action_type, MachineActionType::UnrestrictCodeExecution);
        let package = client.collect_investigation_package(machine, "collect").await.unwrap();
        assert_eq!(package.action_type, MachineActionType::CollectInvestigationPackage);
        let second = client.collect_investigation_package(machine, "collect again").await.unwrap_err();
        assert!(second.is_action_already_in_progress(), "{second}");
    })
    .await;
}

#[tokio::test]
async fn hunting_indicators_and_test_connection() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig::default()).await;
        let result = client
            .advanced_hunting("DeviceProcessEvents | where InitiatingProcessFileName =~ 'powershell.exe' | limit 2")
            .await
            .unwrap();
        assert!(!result.schema.is_empty(), "{result:?}");
        let hunt = emulator.requests().into_iter().rev().find(|record| record.path.contains("advancedqueries")).unwrap();
        assert!(hunt.body.unwrap().get("Query").is_some());

        let indicator = IndicatorRequest {
            indicator_value: "220e7d15b011d7fac48f2bd61114db1022197f7f".to_owned(),
            indicator_type: IndicatorType::FileSha1,
            action: IndicatorAction::Block,
            title: "test".to_owned(),
            description: "blocked by Flowguard".to_owned(),
            application: None,
            expiration_time: None,
            severity: Some(Severity::High),
            recommended_actions: None,
            rbac_group_names: None,
            educate_url: None,
            generate_alert: Some(true),
        };
        let created = client.submit_indicator(&indicator).await.unwrap();
        assert_eq!(created.indicator_value.as_deref(), Some("220e7d15b011d7fac48f2bd61114db1022197f7f"));

        let report = client.test_connection().await.unwrap();
        assert_eq!(report.machines_seen, 1);
        let top = emulator.requests().into_iter().rev().find(|record| record.path.ends_with("/machines")).unwrap();
        assert!(top.query.unwrap().contains("%24top=1") || emulator.requests().iter().any(|r| r.query.as_deref() == Some("$top=1")));

        let mut wrong = config_for(&emulator);
        wrong.client_secret = Secret::new("not-the-secret");
        let error = DefenderClient::new(&wrong).unwrap().test_connection().await.unwrap_err();
        let DefenderError::Token(token) = &error else { panic!("expected a token error, got {error}") };
        assert!(token.aadsts_code().is_some(), "{token:?}");
        assert!(!error.is_retryable());
        assert!(!format!("{wrong:?}").contains("not-the-secret"));
    })
    .await;
}

#[tokio::test]
async fn insecure_hosts_are_refused_before_any_call() {
    let mut config = DefenderConfig::new(&Cloud::Global, "tenant", "client", Secret::new("secret"));
    config.api_base = "http://api.security.microsoft.com".to_owned();
    let error = DefenderClient::new(&config).unwrap_err();
    assert!(
        matches!(
            error,
            DefenderError::Config(ConfigError::InsecureUrl { .. })
        ),
        "{error}"
    );
}

#[tokio::test]
async fn token_is_cached_refreshed_before_expiry_and_once_on_401() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig {
            token_lifetime: Duration::from_secs(2),
            ..EmulatorConfig::default()
        })
        .await;
        for _ in 0..5 {
            client
                .list_machines(&ListQuery::new().top(1))
                .await
                .unwrap();
        }
        assert_eq!(client.token_fetches(), 1, "one token for many calls");
        // A 2 s token is refreshed 0.2 s early (a tenth of its lifetime).
        tokio::time::sleep(Duration::from_millis(1900)).await;
        client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap();
        assert_eq!(client.token_fetches(), 2);
        assert!(
            !calls_to(&emulator, "/api/machines").contains(&401),
            "refreshed before it expired"
        );

        // Revoked server-side: the API answers 401 once, the client fetches a new token and retries.
        assert!(emulator.expire_tokens() > 0);
        client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap();
        assert_eq!(client.token_fetches(), 3);
        assert_eq!(
            calls_to(&emulator, "/api/machines")
                .iter()
                .filter(|status| **status == 401)
                .count(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn throttled_calls_wait_for_retry_after_then_succeed() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig::default()).await;
        emulator.add_fault(FaultSpec {
            status: Some(429),
            retry_after: Some(1),
            ..fault("/api/machines")
        });
        let started = Instant::now();
        let page = client
            .list_machines(&ListQuery::new().top(2))
            .await
            .unwrap();
        assert_eq!(page.value.len(), 2);
        eprintln!(
            "429 with Retry-After: 1 then 200 after {:?}",
            started.elapsed()
        );
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "Retry-After honoured: {:?}",
            started.elapsed()
        );
        assert_eq!(calls_to(&emulator, "/api/machines"), [429, 200]);

        // Without retries the 429 comes back typed, retryable, with its Retry-After.
        let mut config = config_for(&emulator);
        config.retry = RetryPolicy::disabled();
        let strict = DefenderClient::new(&config).unwrap();
        emulator.add_fault(FaultSpec {
            status: Some(429),
            retry_after: Some(7),
            ..fault("/api/machines")
        });
        let error = strict.list_machines(&ListQuery::new()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Retryable);
        let api = error.api().unwrap();
        assert_eq!(
            (api.status, api.retry_after),
            (429, Some(Duration::from_secs(7)))
        );
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig::default()).await;
        emulator.add_fault(FaultSpec {
            status: Some(500),
            count: 2,
            ..fault("/api/alerts")
        });
        let page = client.list_alerts(&ListQuery::new().top(1)).await.unwrap();
        assert_eq!(page.value.len(), 1);
        assert_eq!(calls_to(&emulator, "/api/alerts"), [500, 500, 200]);

        emulator.clear_requests();
        emulator.add_fault(FaultSpec {
            status: Some(503),
            count: 5,
            ..fault("/api/alerts")
        });
        let error = client
            .list_alerts(&ListQuery::new().top(1))
            .await
            .unwrap_err();
        assert_eq!(error.api().map(|api| api.status), Some(503));
        assert!(error.is_retryable());
        assert_eq!(
            calls_to(&emulator, "/api/alerts").len(),
            3,
            "3 attempts by default"
        );
    })
    .await;
}

#[tokio::test]
async fn timeouts_are_retried_and_typed() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let mut config = config_for(&emulator);
        config.timeout = Duration::from_millis(300);
        let client = DefenderClient::new(&config).unwrap();
        emulator.add_fault(FaultSpec {
            delay_ms: 2000,
            ..fault("/api/machines")
        });
        let started = Instant::now();
        let page = client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap();
        assert_eq!(page.value.len(), 1);
        eprintln!(
            "a 2 s delay against a 300 ms timeout: timed out, retried, answered in {:?}",
            started.elapsed()
        );

        config.retry = RetryPolicy::disabled();
        let strict = DefenderClient::new(&config).unwrap();
        emulator.add_fault(FaultSpec {
            delay_ms: 2000,
            ..fault("/api/machines")
        });
        let error = strict
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap_err();
        assert!(matches!(error, DefenderError::Timeout { .. }), "{error}");
        assert!(error.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn malformed_bodies_give_a_decode_error_with_a_snippet() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig::default()).await;
        emulator.add_fault(FaultSpec {
            malformed_body: true,
            ..fault("/api/machines")
        });
        let error = client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap_err();
        let DefenderError::Decode {
            snippet, status, ..
        } = &error
        else {
            panic!("expected a decode error, got {error}")
        };
        assert_eq!(*status, 200);
        assert!(!snippet.is_empty());
        assert_eq!(error.kind(), ErrorKind::Permanent);
    })
    .await;
}

#[tokio::test]
async fn pages_through_25000_alerts() {
    bounded(300, async {
        let (emulator, client) = start(EmulatorConfig {
            alerts: 0,
            ..EmulatorConfig::default()
        })
        .await;
        emulator.create_alerts_bulk(25_000, None);
        let started = Instant::now();
        let all = client.list_all_alerts(&ListQuery::new()).await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(all.len(), 25_000);
        let unique: std::collections::HashSet<&str> =
            all.iter().map(|alert| alert.id.as_str()).collect();
        assert_eq!(unique.len(), 25_000);
        assert_eq!(
            calls_to(&emulator, "/api/alerts").len(),
            3,
            "pages of 10,000"
        );
        eprintln!("paged 25,000 alerts in {elapsed:?}");

        // Smaller pages through the pager, with a filter kept across pages.
        let mut pager =
            client.alert_pages(&ListQuery::new().top(2_000).filter("severity eq 'High'"));
        let mut high = 0;
        let mut pages = 0;
        while let Some(page) = pager.next_page().await.unwrap() {
            assert!(page.iter().all(|alert| alert.severity == Severity::High));
            high += page.len();
            pages += 1;
        }
        let expected = all
            .iter()
            .filter(|alert| alert.severity == Severity::High)
            .count();
        assert_eq!(high, expected);
        assert_eq!(pages, expected.div_ceil(2_000));
    })
    .await;
}

#[tokio::test]
async fn a_thousand_queued_calls_never_see_a_429() {
    bounded(120, async {
        // The documented quotas, time-scaled: the "minute" lasts 0.6 s, the "hour" 36 s.
        let scale = 0.01;
        let emulator = Emulator::start(EmulatorConfig {
            quota: Some(Quota::documented().time_scaled(scale)),
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        let mut config = config_for(&emulator);
        config.limits = RateLimits::documented_time_scaled(scale);
        config.retry = RetryPolicy::disabled(); // A 429 would surface as an error.
        let client = DefenderClient::new(&config).unwrap();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for index in 0..1_000 {
            let client = client.clone();
            tasks.spawn(async move {
                if index % 2 == 0 {
                    client
                        .list_machines(&ListQuery::new().top(1))
                        .await
                        .map(|_| ())
                } else {
                    client
                        .list_alerts(&ListQuery::new().top(1))
                        .await
                        .map(|_| ())
                }
            });
        }
        let mut failures = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            if let Err(error) = joined.unwrap() {
                failures.push(error.to_string());
            }
        }
        let elapsed = started.elapsed();
        let throttled = emulator
            .requests()
            .iter()
            .filter(|record| record.status == 429)
            .count();
        eprintln!("1,000 calls in {elapsed:?}, {throttled} answered 429");
        assert!(
            failures.is_empty(),
            "{} failures, first: {:?}",
            failures.len(),
            failures.first()
        );
        assert_eq!(throttled, 0);
        // 100 per 0.6 s at most: 1,000 calls cannot take less than about 5.4 s.
        assert!(elapsed >= Duration::from_millis(5_400), "{elapsed:?}");
    })
    .await;
}

#[tokio::test]
async fn forbidden_names_the_missing_permission() {
    bounded(60, async {
        let (emulator, client) = start(EmulatorConfig::default()).await;
        let machine = client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap()
            .value
            .remove(0);
        emulator.add_fault(FaultSpec {
            status: Some(403),
            ..fault("/isolate")
        });
        let error = client
            .isolate(&machine.id, "contain", IsolationType::Full)
            .await
            .unwrap_err();
        assert_eq!(error.missing_permission(), Some("Machine.Isolate"));
        assert!(error.to_string().contains("Machine.Isolate"), "{error}");
        assert_eq!(error.kind(), ErrorKind::Permanent);

        emulator.add_fault(FaultSpec {
            status: Some(403),
            ..fault("/api/machines")
        });
        let error = client.test_connection().await.unwrap_err();
        assert!(error.to_string().contains("Machine.Read.All"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn hunting_calls_respect_their_own_quota() {
    bounded(120, async {
        let scale = 0.01;
        let emulator = Emulator::start(EmulatorConfig {
            quota: Some(Quota::documented().time_scaled(scale)),
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        let mut config = config_for(&emulator);
        config.limits = RateLimits::documented_time_scaled(scale);
        config.retry = RetryPolicy::disabled();
        let client = DefenderClient::new(&config).unwrap();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..150 {
            let client = client.clone();
            tasks.spawn(async move {
                client
                    .advanced_hunting("DeviceInfo | limit 1")
                    .await
                    .map(|_| ())
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.unwrap().unwrap();
        }
        let throttled = emulator
            .requests()
            .iter()
            .filter(|record| record.status == 429)
            .count();
        assert_eq!(throttled, 0);
        // 45 per 0.6 s at most: 150 calls span more than two full windows.
        assert!(
            started.elapsed() >= Duration::from_millis(1_200),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn machine_actions_are_not_repeated_after_a_timeout() {
    bounded(60, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let mut config = config_for(&emulator);
        config.timeout = Duration::from_millis(300);
        let client = DefenderClient::new(&config).unwrap();
        let machine = client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap()
            .value
            .remove(0);
        // Three slow answers: with retries the call would last about 3 × 300 ms.
        emulator.add_fault(FaultSpec {
            delay_ms: 1000,
            count: 3,
            ..fault("/isolate")
        });
        let started = Instant::now();
        let error = client
            .isolate(&machine.id, "contain", IsolationType::Full)
            .await
            .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(error, DefenderError::Timeout { .. }), "{error}");
        assert!(
            error.is_retryable(),
            "the engine may retry after checking the machine's actions"
        );
        assert!(
            elapsed < Duration::from_millis(600),
            "one attempt only, took {elapsed:?}"
        );
        // A read is retried after the same timeout.
        emulator.add_fault(FaultSpec {
            delay_ms: 1000,
            ..fault("/api/machines")
        });
        client
            .list_machines(&ListQuery::new().top(1))
            .await
            .unwrap();
    })
    .await;
}
