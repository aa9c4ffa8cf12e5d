//! Data-driven tests over the fixture files: one invalid fixture per mistake (its diagnostics are
//! snapshotted), valid fixtures (no diagnostic, and import → export is byte-stable), unparsable
//! fixtures (the parse error is snapshotted), and garbage made from all of them (never a panic).
//!
//! The store/CLI tests run `flowguard validate` on these same files, so keep the paths stable.

use std::path::{Path, PathBuf};

use flowguard_model::validate::serde_code;
use flowguard_model::{Diagnostic, parse_and_validate, parse_flow, validate};

fn fixtures(directory: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(directory);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|error| panic!("{}: {error}", root.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".flow.json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", root.display());
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".flow.json"))
                .expect("a fixture name")
                .to_string();
            let bytes = std::fs::read(&path).expect("a readable fixture");
            (name, bytes)
        })
        .collect()
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| format!("{diagnostic}\n  = {}\n", diagnostic.sentence))
        .collect()
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn valid_fixtures_have_no_diagnostics_and_export_byte_stable() {
    for (name, bytes) in fixtures("valid") {
        let (flow, diagnostics) =
            parse_and_validate(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(render(&diagnostics), "", "{name}");
        let exported = flow.to_canonical_json();
        assert_eq!(
            exported.as_bytes(),
            bytes.as_slice(),
            "{name}: export differs from import"
        );
        let again = parse_flow(exported.as_bytes()).expect("the export parses");
        assert_eq!(again.content_hash(), flow.content_hash(), "{name}");
    }
}

/// Each invalid fixture shows one mistake: every diagnostic has one code, and the file name
/// starts with that code (`unknown-field-in-step` → `unknown_field`).
#[test]
fn each_invalid_fixture_shows_exactly_its_mistake() {
    let mut failures = Vec::new();
    for (name, bytes) in fixtures("invalid") {
        let (_, diagnostics) =
            parse_and_validate(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        let text = render(&diagnostics);
        let Some(first) = diagnostics.first() else {
            failures.push(format!("{name} has no diagnostic"));
            continue;
        };
        let code = serde_code(first.code).replace('_', "-");
        if !name.starts_with(&code) {
            failures.push(format!("{name} reports `{code}` first:\n{text}"));
        }
        if diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code != first.code)
        {
            failures.push(format!(
                "{name} reports more than one kind of mistake:\n{text}"
            ));
        }
        if diagnostics
            .iter()
            .any(|diagnostic| diagnostic.node_id.is_none() && diagnostic.field.is_none())
        {
            failures.push(format!(
                "{name}: a diagnostic names neither node nor field:\n{text}"
            ));
        }
        snapshot(&format!("invalid__{name}"), &text);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unparsable_fixtures_give_a_clear_parse_error() {
    for (name, bytes) in fixtures("unparsable") {
        let error = parse_flow(&bytes).expect_err(&name);
        snapshot(
            &format!("unparsable__{name}"),
            &format!("{error}\n{error:?}\n"),
        );
    }
}

/// Diagnostics serialize with camelCase keys and snake_case codes (the CLI's `--json`, the UI).
#[test]
fn diagnostics_serialize_for_the_ui() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/invalid/invalid-email.flow.json"),
    )
    .expect("the fixture");
    let (_, diagnostics) = parse_and_validate(&bytes).expect("parses");
    let json = serde_json::to_value(&diagnostics).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!([{
            "nodeId": "email",
            "field": "to",
            "code": "invalid_email",
            "message": "`not-an-address` in To is not an email address",
            "severity": "error",
            "sentence": "“Send email”: `not-an-address` in To is not an email address"
        }])
    );
}

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % (bound as u64)).expect("fits")
    }
}

/// Truncated and mutated fixtures: never a panic; a document cut inside its top-level object is
/// always a parse error; whatever parses exports to canonical JSON that parses back to the same
/// flow.
#[test]
fn garbage_in_never_panics() {
    let mut all = fixtures("valid");
    all.extend(fixtures("invalid"));
    all.extend(fixtures("unparsable"));
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    let mut refused = 0;
    let mut check = |bytes: &[u8]| match parse_flow(bytes) {
        Ok(flow) => {
            parsed += 1;
            let _ = validate(&flow);
            let again = parse_flow(flow.to_canonical_json().as_bytes()).expect("an export parses");
            assert_eq!(again.to_canonical_json(), flow.to_canonical_json());
        }
        Err(_) => refused += 1,
    };
    for (name, bytes) in &all {
        let last_brace = bytes.iter().rposition(|byte| *byte == b'}').unwrap_or(0);
        // Big fixtures get fewer cuts and mutations, so the test stays quick.
        let big = bytes.len() > 20_000;
        for cut in (0..last_brace).step_by(if big { last_brace / 100 } else { 7 }) {
            assert!(
                parse_flow(&bytes[..cut]).is_err(),
                "{name} cut at {cut} parsed"
            );
        }
        for _ in 0..(if big { 5 } else { 200 }) {
            let mut mutated = bytes.clone();
            if mutated.is_empty() {
                mutated.push(b'{');
            }
            for _ in 0..=random.below(4) {
                let index = random.below(mutated.len());
                match random.below(4) {
                    0 => mutated[index] = u8::try_from(random.below(256)).expect("a byte"),
                    1 => {
                        mutated.remove(index);
                        if mutated.is_empty() {
                            mutated.push(b'[');
                        }
                    }
                    2 => mutated.insert(index, b"{}[]\",:{%#\\\xff"[random.below(12)]),
                    _ => {
                        let byte = mutated[index];
                        mutated.insert(index, byte);
                    }
                }
            }
            check(&mutated);
        }
    }
    assert!(
        parsed > 100 && refused > 100,
        "parsed {parsed}, refused {refused}"
    );
}

fn chain_of_steps(count: usize) -> Vec<u8> {
    let mut steps = Vec::new();
    let mut edges = vec![serde_json::json!({ "from": "trigger", "to": "s0" })];
    for index in 0..count {
        let previous = if index == 0 {
            "trigger.alertId".to_string()
        } else {
            format!("steps.s{}.id", index - 1)
        };
        steps.push(serde_json::json!({
            "id": format!("s{index}"), "kind": "get_alert", "inputs": { "alertId": format!("{{{{ {previous} }}}}") }
        }));
        if index > 0 {
            edges.push(
                serde_json::json!({ "from": format!("s{}", index - 1), "to": format!("s{index}") }),
            );
        }
    }
    let document = serde_json::json!({
        "schema": 1, "id": "chain", "name": "Chain",
        "trigger": { "kind": "alert_created" }, "steps": steps, "edges": edges
    });
    serde_json::to_vec(&document).expect("serializes")
}

/// A flow at the step limit validates clean and fast; the biggest document parse accepts (about
/// 1 MiB, thousands of steps in one chain) gets one `too_many_steps` error, also fast: graph
/// checks are linear and the quadratic upstream checks are skipped beyond the limit.
#[test]
fn huge_flows_validate_quickly() {
    for (count, expected) in [
        (flowguard_model::validate::MAX_STEPS, ""),
        (9_000, "too_many_steps,too_many_steps"),
    ] {
        let bytes = chain_of_steps(count);
        assert!(
            bytes.len() <= flowguard_model::MAX_FLOW_BYTES,
            "{} bytes",
            bytes.len()
        );
        let started = std::time::Instant::now();
        let (_, diagnostics) = parse_and_validate(&bytes).expect("parses");
        let elapsed = started.elapsed();
        let codes: Vec<String> = diagnostics
            .iter()
            .map(|diagnostic| serde_code(diagnostic.code))
            .collect();
        assert_eq!(codes.join(","), expected);
        assert!(
            elapsed.as_secs_f64() < 10.0,
            "{count} steps took {elapsed:?}"
        );
    }
}

/// Every diagnostic code has at least one invalid fixture. The codes are read from the
/// TypeScript declaration of `DiagnosticCode`, which lists every variant by its serde name.
#[test]
fn every_diagnostic_code_has_a_fixture() {
    use ts_rs::TS;
    let declaration = flowguard_model::DiagnosticCode::decl(&ts_rs::Config::new());
    let codes: Vec<&str> = declaration.split('"').skip(1).step_by(2).collect();
    assert!(codes.len() > 20, "{declaration}");
    let names: Vec<String> = fixtures("invalid")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let missing: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|code| {
            !names
                .iter()
                .any(|name| name.starts_with(&code.replace('_', "-")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an invalid fixture: {missing:?}"
    );
}

/// Inputs the fuzzer found (`tests/fixtures/regressions/`): each must parse, and its canonical
/// export must be a fixed point. The first one had a float with 90 digits, which serde_json's
/// fast float parsing read one ulp off; `float_roundtrip` fixes it.
#[test]
fn fuzzer_regressions_stay_fixed() {
    for (name, bytes) in fixtures("regressions") {
        let flow = parse_flow(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        let _ = validate(&flow);
        let exported = flow.to_canonical_json();
        let again = parse_flow(exported.as_bytes()).expect("an export parses");
        assert_eq!(again.to_canonical_json(), exported, "{name}");
    }
}
