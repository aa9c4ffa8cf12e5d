//! The store against a real SQLite file.

use serde_json::json;

use flowguard_model::Flow;
use flowguard_model::{RunSource, templates};
use flowguard_store::connections::Connection;
use flowguard_store::runs::{NewRun, RunFilter};
use flowguard_store::{SCHEMA_VERSION, Store, StoreError};

fn seed() -> flowguard_model::Flow {
    templates::get("isolate-high-severity").expect("the seed template exists")
}

fn new_run(flow_id: &str) -> NewRun {
    NewRun {
        flow_id: flow_id.into(),
        flow_version: 1,
        trigger_kind: "alert_created".into(),
        source: RunSource::Alert,
        trigger_payload: json!({ "alertId": "da1" }),
        dry_run: false,
        rerun_of: None,
    }
}

#[test]
fn a_new_database_is_created_migrated_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/flowguard.db");
    let store = Store::open(&path).unwrap();
    store.save_flow(&seed()).unwrap();
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.list_flows().unwrap().len(), 1);
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowguard.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 5)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NewerVersion { .. }), "{error}");
    assert!(error.to_string().contains("newer Flowguard"), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "not one byte changed"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowguard.db");
    std::fs::write(&path, b"these are my notes, not a database").unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
    assert!(error.to_string().contains("left untouched"), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"these are my notes, not a database"
    );
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowguard.db");
    {
        let store = Store::open(&path).unwrap();
        for index in 0..50 {
            let mut flow = seed();
            flow.id = format!("flow-{index}");
            store.save_flow(&flow).unwrap();
        }
    }
    // Keep the header, scribble over the pages after it.
    let mut bytes = std::fs::read(&path).unwrap();
    for byte in bytes.iter_mut().skip(4096).step_by(7) {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn every_saved_version_is_kept_and_identical_content_adds_none() {
    let store = Store::open_in_memory().unwrap();
    let mut flow = seed();
    assert_eq!(store.save_flow(&flow).unwrap().version, 1);
    assert!(
        !store.save_flow(&flow).unwrap().new_version,
        "same content, same version"
    );
    flow.description = "first edit".into();
    assert_eq!(store.save_flow(&flow).unwrap().version, 2);
    flow.description = "second edit".into();
    assert_eq!(store.save_flow(&flow).unwrap().version, 3);
    let history = store.flow_history(&flow.id).unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        store.get_flow_version(&flow.id, 2).unwrap().description,
        "first edit"
    );
    assert_eq!(
        store.get_flow(&flow.id).unwrap().unwrap().flow.description,
        "second edit"
    );
}

/// The seed with one error: the SOC email's recipients removed.
fn broken(flow: &flowguard_model::Flow) -> flowguard_model::Flow {
    let mut broken = flow.clone();
    let email = broken
        .steps
        .iter_mut()
        .find(|step| step.kind == "send_email")
        .expect("the seed emails");
    email.inputs.remove("to");
    broken
}

#[test]
fn a_draft_with_errors_is_saved_but_cannot_be_published_or_enabled() {
    let store = Store::open_in_memory().unwrap();
    let mut flow = broken(&seed());
    flow.enabled = true;
    let outcome = store.save_flow(&flow).unwrap();
    assert!(
        !outcome.enabled,
        "a new flow starts off, whatever the document says"
    );
    assert_eq!(outcome.published_version, None);
    assert!(outcome.has_unpublished_changes);
    assert!(flowguard_model::has_errors(&outcome.diagnostics));

    let error = store.publish(&flow.id).unwrap_err();
    let StoreError::HasErrors {
        ref diagnostics,
        count,
        action,
        ..
    } = error
    else {
        panic!("{error}");
    };
    assert_eq!(action, "published");
    assert_eq!(diagnostics.len(), count);
    assert!(diagnostics.iter().all(|d| d.is_error()));
    let title = &flow
        .steps
        .iter()
        .find(|step| step.kind == "send_email")
        .unwrap()
        .title;
    assert!(
        error.to_string().contains(&format!("“{title}”")),
        "names the step by its title, in plain words: {error}"
    );
    assert!(matches!(
        store.set_enabled(&flow.id, true),
        Err(StoreError::NotPublished(_))
    ));
    assert!(
        store
            .set_enabled(&flow.id, true)
            .unwrap_err()
            .to_string()
            .contains("publish it first")
    );
    assert!(!store.get_flow(&flow.id).unwrap().unwrap().flow.enabled);
}

#[test]
fn publish_then_enable_and_a_broken_draft_never_disables_the_published_flow() {
    let store = Store::open_in_memory().unwrap();
    let good = seed();
    store.save_flow(&good).unwrap();
    let published = store.publish(&good.id).unwrap();
    assert_eq!(
        (published.version, published.previous, published.changed),
        (1, None, true)
    );
    assert!(
        !store.publish(&good.id).unwrap().changed,
        "publishing twice changes nothing"
    );
    assert!(store.set_enabled(&good.id, true).unwrap());
    assert!(!store.set_enabled(&good.id, true).unwrap(), "already on");
    let on = store.get_flow(&good.id).unwrap().unwrap();
    assert!(on.flow.enabled);
    assert!(on.enabled_at.is_some());
    assert!(!on.has_unpublished_changes);

    // An autosave with a problem: a new draft, still enabled, still on version 1.
    let outcome = store.save_flow(&broken(&good)).unwrap();
    assert_eq!(outcome.version, 2);
    assert!(
        outcome.enabled,
        "a problem in the draft never disables anything"
    );
    assert_eq!(outcome.published_version, Some(1));
    assert!(outcome.has_unpublished_changes);
    let enabled = store.enabled_flows().unwrap();
    assert_eq!(enabled.len(), 1);
    assert_eq!(
        enabled[0].version, 1,
        "background runs use the published version"
    );
    assert_eq!(enabled[0].draft_version, 2);
    assert_eq!(
        enabled[0].flow,
        Flow {
            enabled: true,
            ..good.clone()
        }
    );
    assert!(store.publish(&good.id).is_err());

    // The history says which version is published and which is the draft.
    let history = store.flow_history(&good.id).unwrap();
    let flags: Vec<(i64, bool, bool)> = history
        .iter()
        .map(|v| (v.version, v.published, v.draft))
        .collect();
    assert_eq!(flags, [(1, true, false), (2, false, true)]);
    assert!(history[1].problems > 0);

    // Restoring version 1 makes a new draft with its content: nothing unpublished any more.
    let restored = store.restore_version(&good.id, 1).unwrap();
    assert_eq!(restored.version, 3);
    assert!(!restored.has_unpublished_changes);
    assert_eq!(store.published_flow(&good.id).unwrap().unwrap().version, 1);
    let summary = &store.list_flows().unwrap()[0];
    assert_eq!((summary.version, summary.published_version), (3, Some(1)));
    assert!(!summary.has_unpublished_changes);

    // Dry run only is not an edit and survives saves; switching off records when.
    store.set_dry_run_only(&good.id, true).unwrap();
    store.save_flow(&good).unwrap();
    let stored = store.get_flow(&good.id).unwrap().unwrap();
    assert!(stored.dry_run_only);
    assert_eq!(
        store.flow_history(&good.id).unwrap().len(),
        3,
        "neither is a version"
    );
    assert!(store.set_enabled(&good.id, false).unwrap());
    let off = store.get_flow(&good.id).unwrap().unwrap();
    assert!(!off.flow.enabled && off.disabled_at.is_some());
    assert!(store.enabled_flows().unwrap().is_empty());
    assert!(matches!(
        store.set_dry_run_only("nope", true),
        Err(StoreError::FlowNotFound(_))
    ));
}

#[test]
fn a_version_one_database_is_migrated_enabled_flows_published_and_runs_given_a_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowguard.db");
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        let document = seed().to_canonical_json();
        old.execute_batch(&format!(
            "INSERT INTO flows VALUES ('on', 'On', 1, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO flows VALUES ('off', 'Off', 0, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO flow_versions VALUES ('on', 1, 't', 'h1', '{d}', 0), ('on', 2, 't', 'h2', '{d}', 0),
                                              ('off', 1, 't', 'h1', '{d}', 0);
             INSERT INTO runs (id, flow_id, flow_version, trigger_kind, trigger_payload, status, created_at)
                 VALUES ('r-alert', 'on', 1, 'alert_created', '{{}}', 'succeeded', 't1'),
                        ('r-manual', 'on', 1, 'alert_created', '{{}}', 'succeeded', 't2'),
                        ('r-tick', 'on', 1, 'schedule', '{{}}', 'succeeded', 't3');
             INSERT INTO runs (id, flow_id, flow_version, trigger_kind, trigger_payload, status, rerun_of, created_at)
                 VALUES ('r-again', 'on', 1, 'alert_created', '{{}}', 'succeeded', 'r-alert', 't4');
             INSERT INTO processed_alerts VALUES ('on', 'da1', 'r-alert', 't1');",
            d = document.replace('\'', "''")
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let on = store.get_flow("on").unwrap().unwrap();
    assert_eq!(
        on.published_version,
        Some(2),
        "an enabled flow's current version is published"
    );
    assert!(on.flow.enabled && on.enabled_at.is_some());
    assert_eq!(
        store.get_flow("off").unwrap().unwrap().published_version,
        None
    );
    let sources: Vec<(String, RunSource)> = ["r-alert", "r-manual", "r-tick", "r-again"]
        .iter()
        .map(|id| {
            let run = store.get_run(id).unwrap();
            (run.id, run.source)
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("r-alert".to_owned(), RunSource::Alert),
            ("r-manual".to_owned(), RunSource::Manual),
            ("r-tick".to_owned(), RunSource::Schedule),
            ("r-again".to_owned(), RunSource::Rerun),
        ]
    );
}

#[test]
fn a_real_run_now_on_an_alert_marks_it_processed_for_the_flow() {
    let store = Store::open_in_memory().unwrap();
    let flow = seed();
    store.save_flow(&flow).unwrap();
    let manual = NewRun {
        source: RunSource::Manual,
        trigger_payload: json!({ "alertId": "da1", "title": "Ransomware", "alert": { "computerDnsName": "pc-7" } }),
        ..new_run(&flow.id)
    };
    let first = store.create_run_marking_alert(&manual, "da1").unwrap();
    let again = store.create_run_marking_alert(&manual, "da1").unwrap();
    assert_ne!(first, again, "Run now always runs when asked");
    assert_eq!(
        store
            .create_run_for_alert(&new_run(&flow.id), "da1")
            .unwrap(),
        None,
        "the trigger does not start it again"
    );
    let processed = store
        .processed_alerts_among(&flow.id, &["da1".to_owned(), "da2".to_owned()])
        .unwrap();
    assert_eq!(processed.into_iter().collect::<Vec<_>>(), ["da1"]);
    let runs = store.list_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].source, RunSource::Manual);
    assert_eq!(runs[0].alert_title.as_deref(), Some("Ransomware"));
    assert_eq!(runs[0].machine_name.as_deref(), Some("pc-7"));
    assert_eq!(runs[0].flow_name.as_deref(), Some(flow.name.as_str()));
}

#[test]
fn the_activity_pages_through_every_flows_runs_newest_first() {
    let store = Store::open_in_memory().unwrap();
    let mut other = seed();
    other.id = "other".into();
    store.save_flow(&seed()).unwrap();
    store.save_flow(&other).unwrap();
    let mut ids = Vec::new();
    for index in 0..5 {
        let flow_id = if index % 2 == 0 {
            seed().id
        } else {
            "other".to_owned()
        };
        ids.push(store.create_run(&new_run(&flow_id)).unwrap());
    }
    ids.reverse();
    let first = store
        .list_runs(&RunFilter {
            limit: Some(2),
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(
        first.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        ids[..2]
    );
    let second = store
        .list_runs(&RunFilter {
            limit: Some(2),
            before: Some(first[1].id.clone()),
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(
        second.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        ids[2..4]
    );
    let since = store.background_runs_since(None, 100).unwrap();
    assert_eq!(since.len(), 5);
    let manual = store
        .create_run(&NewRun {
            source: RunSource::Manual,
            ..new_run("other")
        })
        .unwrap();
    assert!(
        store
            .background_runs_since(None, 100)
            .unwrap()
            .iter()
            .all(|r| r.id != manual),
        "Run now is not background activity"
    );
}

#[test]
fn an_alert_starts_a_flow_once() {
    let store = Store::open_in_memory().unwrap();
    let first = store.create_run_for_alert(&new_run("f"), "da1").unwrap();
    assert!(first.is_some());
    assert_eq!(
        store.create_run_for_alert(&new_run("f"), "da1").unwrap(),
        None
    );
    assert!(
        store
            .create_run_for_alert(&new_run("other-flow"), "da1")
            .unwrap()
            .is_some()
    );
    assert_eq!(store.processed_alert_count("f").unwrap(), 1);
    assert_eq!(
        store
            .list_runs(&RunFilter {
                flow_id: Some("f".into()),
                ..RunFilter::default()
            })
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_schedule_tick_fires_once() {
    let store = Store::open_in_memory().unwrap();
    let mut run = new_run("daily");
    run.trigger_kind = "schedule".into();
    let tick = "2026-11-25T08:00:00Z";
    assert!(matches!(
        store.handle_tick("daily", tick, Some(&run)).unwrap(),
        Some(Some(_))
    ));
    assert_eq!(store.handle_tick("daily", tick, Some(&run)).unwrap(), None);
    assert_eq!(store.last_tick("daily").unwrap().as_deref(), Some(tick));
}

#[test]
fn step_runs_record_attempts_input_output_and_errors() {
    let store = Store::open_in_memory().unwrap();
    let run_id = store.create_run(&new_run("f")).unwrap();
    store.mark_run_started(&run_id).unwrap();
    store
        .record_step_started(&run_id, "isolate", 1, &json!({ "machineId": "m1" }))
        .unwrap();
    store
        .record_step_finished(
            &run_id,
            "isolate",
            "failed",
            None,
            Some(&json!({ "code": "TooManyRequests", "message": "slow" })),
        )
        .unwrap();
    store
        .record_step_started(&run_id, "isolate", 2, &json!({ "machineId": "m1" }))
        .unwrap();
    store
        .record_step_finished(
            &run_id,
            "isolate",
            "succeeded",
            Some(&json!({ "actionId": "a1" })),
            None,
        )
        .unwrap();
    store.mark_run_finished(&run_id, "succeeded", None).unwrap();
    let run = store.get_run(&run_id).unwrap();
    assert_eq!(run.status, "succeeded");
    assert_eq!(run.steps.len(), 1);
    assert_eq!(run.steps[0].attempts, 2);
    assert_eq!(run.steps[0].output, Some(json!({ "actionId": "a1" })));
    assert_eq!(
        run.steps[0].error, None,
        "a later success clears the earlier error"
    );
    assert!(run.started_at.is_some() && run.finished_at.is_some());
    let queued = store.run_ids_with_status(&["queued", "running"]).unwrap();
    assert!(queued.is_empty());
}

#[test]
fn pruning_keeps_the_newest_runs_of_each_flow() {
    let store = Store::open_in_memory().unwrap();
    for _ in 0..5 {
        let id = store.create_run(&new_run("f")).unwrap();
        store.mark_run_finished(&id, "succeeded", None).unwrap();
    }
    let queued = store.create_run(&new_run("f")).unwrap();
    assert_eq!(store.prune_runs(2, None).unwrap(), 3);
    let left = store.list_runs(&RunFilter::default()).unwrap();
    assert_eq!(left.len(), 3);
    assert!(
        left.iter().any(|run| run.id == queued),
        "unfinished runs are never pruned"
    );
}

#[test]
fn connections_never_hold_secrets() {
    let store = Store::open_in_memory().unwrap();
    let good = Connection {
        id: "defender:default".into(),
        kind: "defender".into(),
        name: "Contoso".into(),
        config: json!({ "tenantId": "t", "clientId": "c", "apiUrl": "https://api.security.microsoft.com" }),
    };
    store.save_connection(&good).unwrap();
    assert_eq!(
        store.get_connection("defender:default").unwrap(),
        Some(good)
    );
    let bad = Connection {
        id: "smtp:default".into(),
        kind: "smtp".into(),
        name: "Mail".into(),
        config: json!({ "host": "mail", "auth": { "password": "hunter2" } }),
    };
    let error = store.save_connection(&bad).unwrap_err();
    assert!(error.to_string().contains("auth.password"), "{error}");
    assert_eq!(store.get_connection("smtp:default").unwrap(), None);
}

#[test]
fn cursors_and_settings_round_trip() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.get_cursor("alerts:t").unwrap(), None);
    store
        .set_cursor("alerts:t", "2026-11-25T10:00:00Z")
        .unwrap();
    store
        .set_cursor("alerts:t", "2026-11-25T10:05:00Z")
        .unwrap();
    assert_eq!(
        store.get_cursor("alerts:t").unwrap().as_deref(),
        Some("2026-11-25T10:05:00Z")
    );
    store
        .set_setting("retention", &json!({ "keepLast": 500 }))
        .unwrap();
    assert_eq!(
        store.get_setting("retention").unwrap(),
        Some(json!({ "keepLast": 500 }))
    );
}

#[test]
fn processes_opening_a_new_database_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowguard.db");
    let opened: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    Store::open(&path)
                        .map(drop)
                        .map_err(|error| error.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    for result in &opened {
        assert_eq!(result, &Ok(()), "every opener gets a migrated database");
    }
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn connection_configs_are_typed_and_have_no_secret_fields() {
    use flowguard_store::connections::{
        ConnectionConfig, DefenderConnection, GraphConnection, SmtpConnection, SmtpSecurity,
    };
    let store = Store::open_in_memory().unwrap();
    let every_field_set = [
        ConnectionConfig::Defender(DefenderConnection {
            tenant_id: "t".into(),
            client_id: "c".into(),
            api_url: Some("https://api-gcc.securitycenter.microsoft.us".into()),
            login_url: Some("https://login.microsoftonline.us".into()),
        }),
        ConnectionConfig::Smtp(SmtpConnection {
            host: "smtp.contoso.com".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: Some("soc@contoso.com".into()),
            from: "Flowguard <soc@contoso.com>".into(),
            timeout_seconds: 30,
        }),
        ConnectionConfig::Graph(GraphConnection {
            tenant_id: "t".into(),
            client_id: "c".into(),
            sender: "soc@contoso.com".into(),
        }),
    ];
    for config in &every_field_set {
        let json = config.to_json();
        let keys: Vec<String> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|key| key.to_ascii_lowercase())
            .collect();
        for key in &keys {
            for word in ["secret", "password", "token", "key"] {
                assert!(!key.contains(word), "{} has a field {key}", config.kind());
            }
        }
        let id = format!("{}:default", config.kind());
        store
            .save_connection(&Connection::new(&id, "Default", config))
            .unwrap();
        let saved = store.get_connection(&id).unwrap().unwrap();
        assert_eq!(saved.kind, config.kind());
        assert_eq!(&saved.typed_config().unwrap(), config);
    }
    assert_eq!(store.list_connections().unwrap().len(), 3);

    // A field the type does not know is refused, whatever its name.
    let smuggled = Connection {
        id: "smtp:other".into(),
        kind: "smtp".into(),
        name: "Mail".into(),
        config: json!({ "host": "mail", "port": 25, "security": "tls", "from": "a@b.c", "pw": "hunter2" }),
    };
    let error = store.save_connection(&smuggled).unwrap_err();
    assert!(
        matches!(error, StoreError::InvalidConnection { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("pw"), "{error}");
    let unknown_kind = Connection {
        id: "ftp:x".into(),
        kind: "ftp".into(),
        name: "x".into(),
        config: json!({}),
    };
    assert!(matches!(
        store.save_connection(&unknown_kind).unwrap_err(),
        StoreError::InvalidConnection { .. }
    ));
    assert_eq!(store.get_connection("smtp:other").unwrap(), None);
}

#[test]
fn the_last_run_of_each_flow_comes_in_one_list() {
    let store = Store::open_in_memory().unwrap();
    let mut other = seed();
    other.id = "other".into();
    store.save_flow(&seed()).unwrap();
    store.save_flow(&other).unwrap();
    let mut quiet = seed();
    quiet.id = "quiet".into();
    store.save_flow(&quiet).unwrap();
    let seed_id = seed().id;
    store.create_run(&new_run(&seed_id)).unwrap();
    let newest = store
        .create_run(&NewRun {
            trigger_payload: json!({ "alertId": "da-1" }),
            ..new_run(&seed_id)
        })
        .unwrap();
    let others = store.create_run(&new_run("other")).unwrap();
    let mut last = store.last_run_per_flow().unwrap();
    last.sort_by(|a, b| a.flow_id.cmp(&b.flow_id));
    let pairs: Vec<(&str, &str)> = last
        .iter()
        .map(|run| (run.flow_id.as_str(), run.id.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            (seed_id.as_str(), newest.as_str()),
            ("other", others.as_str())
        ]
    );
    assert_eq!(last[0].alert_id.as_deref(), Some("da-1"));
}

#[test]
fn importing_a_taken_id_fails_replaces_or_copies() {
    use flowguard_store::flows::OnConflict;
    let store = Store::open_in_memory().unwrap();
    let first = store.import_flow(seed(), OnConflict::Fail).unwrap();
    assert!(matches!(
        store.import_flow(seed(), OnConflict::Fail),
        Err(StoreError::FlowExists(id)) if id == first.flow.id
    ));
    let mut edited = seed();
    edited.description = "edited".into();
    let replaced = store.import_flow(edited, OnConflict::Replace).unwrap();
    assert_eq!(
        (replaced.flow.id.as_str(), replaced.outcome.version),
        (first.flow.id.as_str(), 2)
    );
    let copy = store.import_flow(seed(), OnConflict::Copy).unwrap();
    assert_eq!(copy.flow.id, format!("{}-copy", first.flow.id));
    assert!(copy.flow.name.ends_with(" (copy)"));
    let second = store.import_flow(seed(), OnConflict::Copy).unwrap();
    assert_eq!(second.flow.id, format!("{}-copy-2", first.flow.id));
}
