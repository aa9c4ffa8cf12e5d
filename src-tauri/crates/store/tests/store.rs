//! The store against a real SQLite file.

use serde_json::json;

use flowguard_model::templates;
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

#[test]
fn a_draft_with_errors_is_saved_but_cannot_be_enabled() {
    let store = Store::open_in_memory().unwrap();
    let mut flow = seed();
    flow.edges
        .retain(|edge| edge.from != "is_high" || edge.port != Some(flowguard_model::Port::False));
    flow.enabled = true;
    let outcome = store.save_flow(&flow).unwrap();
    assert!(!outcome.enabled, "saved as a draft");
    assert!(flowguard_model::has_errors(&outcome.diagnostics));
    let error = store.set_enabled(&flow.id, true).unwrap_err();
    let StoreError::InvalidFlow {
        ref diagnostics,
        count,
        ..
    } = error
    else {
        panic!("{error}");
    };
    assert_eq!(diagnostics.len(), count);
    assert!(
        diagnostics
            .iter()
            .all(|d| d.is_error() && (d.node_id.is_some() || d.field.is_some())),
        "every error names where it is: {diagnostics:?}"
    );
    assert!(!store.get_flow(&flow.id).unwrap().unwrap().flow.enabled);
    assert!(
        error.to_string().contains("email_review"),
        "names the problem node: {error}"
    );

    let good = seed();
    store.save_flow(&good).unwrap();
    store.set_enabled(&good.id, true).unwrap();
    assert!(store.get_flow(&good.id).unwrap().unwrap().flow.enabled);
    assert_eq!(store.enabled_flows().unwrap().len(), 1);
    assert_eq!(
        store.flow_history(&good.id).unwrap().len(),
        2,
        "enabling is not an edit"
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
