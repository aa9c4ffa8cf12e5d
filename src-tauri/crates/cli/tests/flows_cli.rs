//! The real `flowguard` binary on a real SQLite file: validate, flows, templates.

use std::path::{Path, PathBuf};
use std::process::Output;

fn flowguard(db: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_flowguard"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("the flowguard binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../model/tests/fixtures")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".flow.json"))
        .collect();
    files.sort();
    files
}

#[test]
fn validate_flags_every_fixture_mistake_with_its_node_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let invalid = fixtures("invalid");
    assert!(
        invalid.len() >= 20,
        "one fixture per mistake: {}",
        invalid.len()
    );
    for file in &invalid {
        let output = flowguard(&db, &["validate", file.to_str().unwrap()]);
        let text = stdout(&output);
        let (_, diagnostics) =
            flowguard_model::parse_and_validate(&std::fs::read(file).unwrap()).unwrap();
        assert!(!diagnostics.is_empty(), "{} has no mistake", file.display());
        // Errors fail validation; a fixture whose mistake is only a warning still validates.
        let expected = if flowguard_model::has_errors(&diagnostics) {
            1
        } else {
            0
        };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{}: {text}",
            file.display()
        );
        for diagnostic in &diagnostics {
            let place = match (&diagnostic.node_id, &diagnostic.field) {
                (Some(node), Some(field)) => format!(" {node}.{field}:"),
                (Some(node), None) => format!(" {node}:"),
                (None, Some(field)) => format!(" {field}:"),
                (None, None) => ":".to_owned(),
            };
            assert!(
                text.contains(&place),
                "{} does not name {place:?}:\n{text}",
                file.display()
            );
        }

        let json = flowguard(&db, &["validate", "--json", file.to_str().unwrap()]);
        assert_eq!(json.status.code(), Some(expected));
        let parsed: serde_json::Value =
            serde_json::from_slice(&json.stdout).expect("--json prints JSON");
        assert!(parsed.is_array(), "{parsed}");
    }
    for file in fixtures("valid") {
        let output = flowguard(&db, &["validate", file.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            stdout(&output)
        );
    }
}

#[test]
fn broken_files_get_a_clear_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let broken = dir.path().join("broken.flow.json");
    std::fs::write(&broken, b"{\n  \"schema\": 1,\n  \"steps\": [\n").unwrap();
    let output = flowguard(&db, &["validate", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("line"), "{}", stdout(&output));
    std::fs::write(&broken, [0xff, 0xfe, 0x00]).unwrap();
    let output = flowguard(&db, &["validate", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("not UTF-8"), "{}", stdout(&output));

    let mut huge = b"{\"name\": \"".to_vec();
    huge.resize(flowguard_model::MAX_FLOW_BYTES + 10, b'a');
    std::fs::write(&broken, &huge).unwrap();
    let output = flowguard(&db, &["validate", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("limit"), "{}", stdout(&output));

    std::fs::write(&broken, format!("{{\"extra\": {}", "[".repeat(100_000))).unwrap();
    let output = flowguard(&db, &["validate", "--json", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["error"]["kind"], "too_deep", "{parsed}");

    let import = flowguard(&db, &["flows", "import", broken.to_str().unwrap()]);
    assert_eq!(import.status.code(), Some(1));
    assert!(stdout(&import).contains("deeper"), "{}", stdout(&import));

    // An endless stream is refused at the size limit, not read to the end.
    if Path::new("/dev/zero").exists() {
        let output = flowguard(&db, &["validate", "/dev/zero"]);
        assert_eq!(output.status.code(), Some(1));
        assert!(stdout(&output).contains("limit"), "{}", stdout(&output));
    }
}

#[test]
fn the_seed_template_validates_and_round_trips_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let list = flowguard(&db, &["template", "list"]);
    assert!(
        stdout(&list).contains("isolate-high-severity"),
        "{}",
        stdout(&list)
    );

    let shown = flowguard(&db, &["template", "show", "isolate-high-severity"]);
    assert_eq!(shown.status.code(), Some(0));
    let file = dir.path().join("seed.flow.json");
    std::fs::write(&file, &shown.stdout).unwrap();
    assert_eq!(
        flowguard(&db, &["validate", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    assert_eq!(
        flowguard(&db, &["flows", "import", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let exported = flowguard(&db, &["flows", "export", "isolate-high-severity"]);
    assert_eq!(
        exported.stdout, shown.stdout,
        "import then export gives the same bytes"
    );
}

#[test]
fn two_edits_make_three_versions_and_imports_never_clobber_silently() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let file = dir.path().join("seed.flow.json");
    let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    std::fs::write(&file, flow.to_canonical_json()).unwrap();
    assert_eq!(
        flowguard(&db, &["flows", "import", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    let again = flowguard(&db, &["flows", "import", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stdout(&again).contains("--replace"), "{}", stdout(&again));

    for description in ["first edit", "second edit"] {
        flow.description = description.into();
        std::fs::write(&file, flow.to_canonical_json()).unwrap();
        let output = flowguard(
            &db,
            &["flows", "import", "--replace", file.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    }
    let history = stdout(&flowguard(
        &db,
        &["flows", "history", "isolate-high-severity"],
    ));
    assert_eq!(history.lines().count(), 3, "{history}");
    assert!(
        history.starts_with("v1 ") && history.contains("\nv3 "),
        "{history}"
    );

    let copy = flowguard(
        &db,
        &["flows", "import", "--as-copy", file.to_str().unwrap()],
    );
    assert!(
        stdout(&copy).contains("isolate-high-severity-copy"),
        "{}",
        stdout(&copy)
    );
    let list = stdout(&flowguard(&db, &["flows", "list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
}

#[test]
fn an_invalid_draft_cannot_be_published_or_enabled_and_a_valid_flow_can() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let draft = fixtures("invalid")
        .into_iter()
        .find(|f| f.ends_with("missing-required.flow.json"))
        .unwrap();
    let imported = flowguard(&db, &["flows", "import", draft.to_str().unwrap()]);
    assert!(stdout(&imported).contains("draft"), "{}", stdout(&imported));
    assert!(
        stdout(&imported).contains("“Isolate machine”: Machine id is required"),
        "the problem in plain words: {}",
        stdout(&imported)
    );
    let id = flowguard_model::parse_flow(&std::fs::read(&draft).unwrap())
        .unwrap()
        .id;
    let publish = flowguard(&db, &["flows", "publish", &id]);
    assert_eq!(publish.status.code(), Some(1));
    assert!(
        stdout(&publish).contains("cannot be published until its problem is fixed: “Isolate machine”: Machine id is required"),
        "{}",
        stdout(&publish)
    );
    let enable = flowguard(&db, &["flows", "enable", &id]);
    assert_eq!(enable.status.code(), Some(1));
    assert!(
        stdout(&enable).contains("publish it first"),
        "{}",
        stdout(&enable)
    );

    let file = dir.path().join("seed.flow.json");
    std::fs::write(
        &file,
        flowguard_model::templates::get("isolate-high-severity")
            .unwrap()
            .to_canonical_json(),
    )
    .unwrap();
    flowguard(&db, &["flows", "import", file.to_str().unwrap()]);
    let enable = flowguard(&db, &["flows", "enable", "isolate-high-severity"]);
    assert_eq!(enable.status.code(), Some(1), "not published yet");
    assert_eq!(
        flowguard(&db, &["flows", "publish", "isolate-high-severity"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        flowguard(&db, &["flows", "enable", "isolate-high-severity"])
            .status
            .code(),
        Some(0)
    );
    assert!(stdout(&flowguard(&db, &["flows", "list"])).contains("enabled"));
    assert_eq!(
        flowguard(&db, &["flows", "delete", "isolate-high-severity"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn publish_versions_diff_and_restore_on_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let file = dir.path().join("seed.flow.json");
    let mut flow = flowguard_model::templates::get("isolate-high-severity").unwrap();
    let id = flow.id.clone();
    std::fs::write(&file, flow.to_canonical_json()).unwrap();
    flowguard(&db, &["flows", "import", file.to_str().unwrap()]);
    let published = flowguard(&db, &["flows", "publish", &id]);
    assert_eq!(published.status.code(), Some(0), "{}", stdout(&published));
    assert!(stdout(&published).contains("published flow isolate-high-severity v1"));
    assert!(stdout(&flowguard(&db, &["flows", "publish", &id])).contains("published already"));
    assert_eq!(
        flowguard(&db, &["flows", "enable", &id]).status.code(),
        Some(0)
    );

    // An edit that breaks the flow: a new draft; the flow stays on, on its published version.
    let email = flow
        .steps
        .iter_mut()
        .find(|s| s.kind == "send_email")
        .unwrap();
    email.inputs.insert(
        "subject".into(),
        serde_json::json!("Isolated {{ trigger.machineId }}"),
    );
    email.inputs.remove("to");
    let title = email.title.clone();
    std::fs::write(&file, flow.to_canonical_json()).unwrap();
    flowguard(
        &db,
        &["flows", "import", "--replace", file.to_str().unwrap()],
    );
    let list = stdout(&flowguard(&db, &["flows", "list"]));
    assert!(
        list.contains("enabled") && list.contains("published v1, draft v2"),
        "{list}"
    );

    let versions = stdout(&flowguard(&db, &["flows", "versions", &id]));
    let lines: Vec<&str> = versions.lines().collect();
    assert_eq!(lines.len(), 2, "{versions}");
    assert!(
        lines[0].starts_with("v2 ") && lines[0].ends_with("draft"),
        "{versions}"
    );
    assert!(
        lines[1].starts_with("v1 ") && lines[1].ends_with("published"),
        "{versions}"
    );

    let diff = stdout(&flowguard(&db, &["flows", "diff", &id]));
    assert!(
        diff.starts_with("flow isolate-high-severity: v1 → v2"),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("~ step {title:?}: subject:")),
        "the changed input with old and new value: {diff}"
    );
    assert!(diff.contains("Isolated {{ trigger.machineId }}"), "{diff}");
    assert!(diff.contains(&format!("~ step {title:?}: to: ")), "{diff}");
    assert!(stdout(&flowguard(&db, &["flows", "diff", &id, "2", "2"])).contains("no changes"));

    let refused = flowguard(&db, &["flows", "publish", &id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stdout(&refused).contains(&format!("“{title}”: To is required")),
        "{}",
        stdout(&refused)
    );

    let restored = flowguard(&db, &["flows", "restore", &id, "1"]);
    assert_eq!(restored.status.code(), Some(0), "{}", stdout(&restored));
    assert!(
        stdout(&restored).contains("as the draft v3"),
        "{}",
        stdout(&restored)
    );
    let list = stdout(&flowguard(&db, &["flows", "list"]));
    assert!(
        list.contains("published v1") && !list.contains("draft v3"),
        "nothing unpublished: {list}"
    );
    assert_eq!(
        flowguard(&db, &["flows", "restore", &id, "9"])
            .status
            .code(),
        Some(1)
    );
    let history = stdout(&flowguard(&db, &["flows", "history", &id]));
    assert_eq!(
        history.lines().count(),
        3,
        "flows history still lists every version: {history}"
    );

    let dry = flowguard(&db, &["flows", "dry-run-only", &id, "on"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stdout(&dry));
    assert!(stdout(&flowguard(&db, &["flows", "list"])).contains("[dry run only]"));
    assert!(stdout(&flowguard(&db, &["flows", "show", &id])).contains("dry run only: true"));
}

#[test]
fn a_foreign_or_newer_database_is_refused_untouched_and_unknown_names_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, b"not a database at all").unwrap();
    let output = flowguard(&notes, &["flows", "list"]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("notes.db") && message.contains("left untouched"),
        "{message}"
    );
    assert_eq!(std::fs::read(&notes).unwrap(), b"not a database at all");

    let newer = dir.path().join("newer.db");
    drop(flowguard_store::Store::open(&newer).unwrap());
    flowguard_store_user_version(&newer, flowguard_store::SCHEMA_VERSION + 1);
    let before = std::fs::read(&newer).unwrap();
    let output = flowguard(&newer, &["flows", "list"]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("newer Flowguard"), "{message}");
    assert_eq!(std::fs::read(&newer).unwrap(), before);

    let db = dir.path().join("f.db");
    let missing = flowguard(&db, &["flows", "show", "no-such-flow"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no-such-flow"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let unknown = flowguard(&db, &["template", "show", "no-such-template"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("isolate-high-severity"),
        "the message lists the templates: {}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}

#[test]
fn show_and_export_describe_the_flow_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let file = dir.path().join("seed.flow.json");
    std::fs::write(
        &file,
        flowguard_model::templates::get("isolate-high-severity")
            .unwrap()
            .to_canonical_json(),
    )
    .unwrap();
    flowguard(&db, &["flows", "import", file.to_str().unwrap()]);
    let shown = stdout(&flowguard(&db, &["flows", "show", "isolate-high-severity"]));
    assert!(
        shown.contains("version:  1") && shown.contains("problems: none"),
        "{shown}"
    );
    let out = dir.path().join("exported.flow.json");
    let export = flowguard(
        &db,
        &[
            "flows",
            "export",
            "isolate-high-severity",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(export.status.code(), Some(0));
    let text = std::fs::read_to_string(&out).unwrap().to_ascii_lowercase();
    for word in ["password", "secret", "token"] {
        assert!(!text.contains(word), "the export holds {word:?}: {text}");
    }
}

/// Sets a database's schema version, as a newer Flowguard would have.
fn flowguard_store_user_version(path: &Path, version: i64) {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection
        .pragma_update(None, "user_version", version)
        .unwrap();
}
